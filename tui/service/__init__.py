"""The transfer service: a per-user process that runs transfers for every client, journals
them, and resumes them after a restart, so a transfer outlives the terminal that started it.

``client`` connects to it (starting it when absent); ``server`` runs the jobs; ``journal``
keeps them; ``recovery`` resumes them. No UI code here.
"""
