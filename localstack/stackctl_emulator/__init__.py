"""stackctl's local AWS emulator: MiniStack plus patches that restore AWS behaviours.

Run it with ``python -m stackctl_emulator`` (localstack/emulator does), see launch.py.
"""
