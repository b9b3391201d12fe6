"""The window: panels, dialogs and the glue to the job queue. The only package that imports Qt
(with studio.jobs)."""
