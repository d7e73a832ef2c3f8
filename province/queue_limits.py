"""The push queue's per-device cap, in a module that imports nothing: the CLI's parser shows it as the
default of ``serve --max-queued-per-device`` without loading the hub (``province.intake`` costs ~0.4 s)."""

MAX_QUEUED = 20  # default of ``ServerConfig.max_queued_per_device``: more waiting batches of one device → 429
