"""Cluster files; demo.yaml is shipped in the wheel as the package `kaconsole.clusters`."""
