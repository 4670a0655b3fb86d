"""Build, vendoring and benchmark helpers behind `tasks.py`."""
