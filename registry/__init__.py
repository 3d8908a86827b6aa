"""The registry of entities and services (DESIGN §3), read by collector, processor and warehouse."""
from .db import connect, session_scope
from .models import Base, Entity, Service

__all__ = ["connect", "session_scope", "Base", "Entity", "Service"]
