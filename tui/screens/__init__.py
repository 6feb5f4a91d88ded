"""Full screens: the main view, help, and the unreachable-store screen."""
