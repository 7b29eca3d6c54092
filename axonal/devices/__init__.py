"""Devices (Brian 2's ``set_device``, ``device.build()``), mapped onto axonal's targets."""

from axonal.devices import device as device_module
from axonal.devices.device import (
    all_devices,
    device,
    get_device,
    reinit_devices,
    reset_device,
    set_device,
)

__all__ = ["device", "get_device", "set_device", "reset_device", "reinit_devices"]

_ROOM_INTERFACE = (all_devices, device_module)
