"""The main screen's panes, one a file."""
