"""The error every service function raises for a request it refuses."""


class ServiceError(Exception):
    """A refused change, naming the field (or '__all__') and why, in plain words."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
