"""imagedeck: browse and manage virtual-machine images in OpenStack Glance or a local store."""

__version__ = "0.1.0"
