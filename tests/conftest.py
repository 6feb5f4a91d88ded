"""Plugins shared by every test directory."""

pytest_plugins = ["tests.lab.plugin"]
