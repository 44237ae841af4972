"""nofu — the work system of a municipal payment promotion center."""
