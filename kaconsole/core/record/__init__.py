"""Recordings: facts as JSON (`codec`) in compressed, seekable blocks (`frame`); pure."""
