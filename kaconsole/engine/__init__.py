"""What the TUI and the headless commands both run. No Textual."""
