"""Demo data: commands that produce realistic synthetic files and data (nofu.lib.demogen)."""
