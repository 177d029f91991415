"""Pure presenters: state and views -> rows, labels and colour roles (no Textual here)."""
