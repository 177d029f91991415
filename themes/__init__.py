"""Theme files (YAML), shipped in the wheel as the package `kaconsole.themes`."""
