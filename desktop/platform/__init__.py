"""Platform plumbing: files, paths, logs, crash reports, backups, fonts, the clock."""
