"""The themes shipped with imagedeck: YAML files read as package data (`imagedeck.builtin_themes`)."""
