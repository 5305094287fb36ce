class BaseSmsBackend:
    """Sends one message at a time; `send` returns the provider's id for it, or raises SmsError."""

    def __init__(self, **kwargs):
        self.options = kwargs

    def send(self, message) -> str:
        raise NotImplementedError
