"""The processor's group-membership watchdog: how long the member has been out of its consumer group.

A member is *in* the group from a completed join (the rebalance listener's ``on_partitions_assigned``,
called even with no partitions) until the next rebalance starts (``on_partitions_revoked``). Out of
the group it consumes nothing. The Kafka client is meant to rejoin by itself, but a join attempt cut
by a broker outage can leave it never rejoining (issue 18: a JoinGroup lost while the broker went
away for a minute; the client reconnected and the processor idled with the acknowledged log unread).
:meth:`JoinWatchdog.expired` tells the consume loop when to give up on the client and build a new one
(:meth:`processor.consumer.Processor.renew_consumer`), which joins from the committed offsets.

``timeout_s`` must exceed the longest legitimate join: the broker may hold a JoinGroup up to the
rebalance timeout (``max_poll_interval_ms``) while other members rejoin, so the default
(:attr:`settings.Settings.join_timeout_s`) is that plus the session timeout plus 30 s.
"""
from __future__ import annotations

import time
from typing import Callable


class JoinWatchdog:
    """Out-of-group time by ``clock`` (monotonic seconds); ``timeout_s <= 0`` turns it off."""

    def __init__(self, timeout_s: float, clock: Callable[[], float] = time.monotonic):
        self.timeout_s, self.clock = timeout_s, clock
        self.in_group = False
        self.since = clock()  # when the member last left the group (or the client was built)

    def joined(self) -> None:
        self.in_group = True

    def left(self) -> None:
        if self.in_group:
            self.in_group, self.since = False, self.clock()

    def restart(self) -> None:
        """A new client: out of the group from now."""
        self.in_group, self.since = False, self.clock()

    def out_for(self) -> float:
        return 0.0 if self.in_group else self.clock() - self.since

    def expired(self) -> bool:
        return self.timeout_s > 0 and not self.in_group and self.out_for() >= self.timeout_s
