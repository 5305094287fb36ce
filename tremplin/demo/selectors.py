"""Reads of the demo data set: the demo accounts and the TOTP code each would type now."""

import time
from dataclasses import dataclass

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import dataset


@dataclass(frozen=True)
class DemoCode:
    email: str
    code: str
    #: Seconds before an authenticator app would show the next code.
    seconds_left: int
    #: The code was already accepted once: a TOTP code works only once, wait for the next one.
    already_used: bool


def demo_totp_devices():
    """The demo accounts' devices holding the published demo secret, and nothing else."""
    return TOTPDevice.objects.filter(
        user__email__in=dataset.DEMO_ACCOUNT_EMAILS,
        name=dataset.DEMO_TOTP_DEVICE_NAME,
        key=dataset.DEMO_TOTP_KEY_HEX,
        confirmed=True,
    ).select_related("user")


def demo_codes(*, at: float | None = None) -> list[DemoCode]:
    """The code an authenticator app holding the demo secret shows at `at` (now by default)."""
    now = time.time() if at is None else at
    order = {person.email: index for index, person in enumerate(dataset.DEMO_ACCOUNTS)}
    codes = []
    for device in sorted(demo_totp_devices(), key=lambda d: order[d.user.email]):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        totp.time = now
        codes.append(
            DemoCode(
                email=device.user.email,
                code=f"{totp.token():0{device.digits}d}",
                seconds_left=device.step - int(now - device.t0) % device.step,
                already_used=totp.t() <= device.last_t,
            )
        )
    return codes
