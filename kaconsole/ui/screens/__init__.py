"""Screens: the main console and its dialogs (actions, confirmation, help, drills)."""
