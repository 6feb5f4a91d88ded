"""Demo data: sample disk images and a seeded throwaway store for `imagedeck --demo`."""
