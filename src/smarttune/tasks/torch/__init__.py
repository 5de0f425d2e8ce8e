"""Tasks that train PyTorch networks (the ``torch`` extra): MNIST CNNs and two MLPs.

Importing this package or its catalog imports no torch; a task's constructor checks that the
extra is installed, and its methods import torch when they run.
"""
