"""Segment messages as a simulated account's people and servers send them, kept as records.

`Messages` is the half of `AccountSim` that writes messages: client libraries (with their
device's clock and formats), /v1/batch elements, the backend, and the calls of the B2B spec
(identify, group, alias, Account Added/Removed User). The simulation decides what happens; these
builders decide how it looks on the wire, and record what the truth needs of it.
"""

from __future__ import annotations

from accountable.generate import catalog as cat
from accountable.generate.clock import MINUTE_MS, MINUTE_PREFIX, SECONDS_Z, iso
from accountable.generate.people import Device, Person
from accountable.generate.truth import (
    ACCOUNT_ADDED_USER,
    ACCOUNT_REMOVED_USER,
    BATCH,
    MAIN,
    Record,
)

PAGE_PROPERTIES = {
    page: {"path": page[1], "title": page[0]} for page in cat.APP_PAGES + cat.MARKETING_PAGES
}


SEAT_TYPES = {"viewer": "view_only", "billing_admin": "billing"}
"""The seat an added member takes, by role (a relationship property beside the role)."""


class Messages:
    """Message builders over the state of an `AccountSim` (its rng, ids, contexts and records)."""

    def _mid(self) -> str:
        self.counter += 1
        return f"{self.mid_prefix}{self.counter:07x}"

    def _client(
        self,
        dev: Device,
        user: str | None,
        at: int,
        kind: str,
        group: str | None,
        event: str | None = None,
    ) -> dict:
        """A message from a device: `timestamp`/`sentAt` by its clock, `receivedAt` by ours.

        The hot path of the generator: every line here runs for most messages."""
        bits = self.rng.getrandbits
        stamp = at + dev.skew
        delay = bits(10)
        if dev.mobile and bits(5) == 0:  # queued while offline, sent up to hours later
            delay += bits(24)
        sent = stamp + delay
        received = at + delay + 40 + bits(9)
        true_at = received - (sent - stamp)  # the contract's correction
        self.counter += 1
        mid = f"{self.mid_prefix}{self.counter:07x}"
        anon = dev.anon
        if user is None:
            msg = {"type": kind, "messageId": mid, "anonymousId": anon}
        elif dev.blank_anon and kind != "identify" and bits(1):
            # some libraries drop the anonymous id once identified (never on the identify)
            msg = {"type": kind, "messageId": mid, "userId": user}
            msg["anonymousId"] = "" if bits(1) else None
            anon = None
        else:
            msg = {"type": kind, "messageId": mid, "userId": user, "anonymousId": anon}
        # times in the same minute share their first 17 characters: format once (see iso_near)
        received_text = iso(received)
        if true_at // MINUTE_MS == received // MINUTE_MS:
            at_text = received_text[:MINUTE_PREFIX] + SECONDS_Z[true_at % MINUTE_MS]
        else:
            at_text = iso(true_at)
        fmt = dev.fmt
        stamp_text = fmt(stamp)
        if fmt is not iso:
            sent_text = fmt(sent)
        elif sent // MINUTE_MS == stamp // MINUTE_MS:
            sent_text = stamp_text[:MINUTE_PREFIX] + SECONDS_Z[sent % MINUTE_MS]
        else:
            sent_text = iso(sent)
        if dev.archive:
            msg["originalTimestamp"] = stamp_text
            msg["timestamp"] = at_text
        else:
            msg["timestamp"] = stamp_text
        msg["sentAt"] = sent_text
        msg["receivedAt"] = received_text
        if group is None:
            msg["context"] = dev.context
        else:
            msg["context"] = dev.by_group.get(group) or dev.group_context(group)
        self.records.append(
            Record(
                true_at,
                received,
                kind,
                user,
                anon,
                None,
                group,
                event,
                None,
                mid,
                msg,
                MAIN,
                at_text,
            )
        )
        return msg

    def _client_batched(
        self,
        dev: Device,
        user: str | None,
        at: int,
        kind: str,
        group: str | None,
        send: tuple[int, int],
        event: str | None = None,
    ) -> dict:
        """A message of a /v1/batch body: no `sentAt` (the batch's fills it), a bare context."""
        sent, received = send
        stamp = at + dev.skew
        true_at = received - (sent - stamp)
        mid = self._mid()
        msg = {"type": kind, "messageId": mid}
        if user is not None:
            msg["userId"] = user
        msg["anonymousId"] = dev.anon
        msg["timestamp"] = dev.fmt(stamp)
        msg["receivedAt"] = iso(received)
        if group is not None:
            msg["context"] = {"groupId": group}  # the rest comes from the batch's context
        self.batch.append(
            Record(
                true_at,
                received,
                kind,
                user,
                dev.anon,
                None,
                group,
                event,
                None,
                mid,
                msg,
                BATCH,
                iso(true_at),
            )
        )
        return msg

    def _server(
        self,
        user: str | None,
        at: int,
        kind: str,
        group: str | None,
        event: str | None = None,
        role: str | None = None,
    ) -> dict:
        """A message from our backend: a true `timestamp`, sometimes a `receivedAt`."""
        rng = self.rng
        mid = self._mid()
        msg: dict = {"type": kind, "messageId": mid}
        if user is not None:
            msg["userId"] = user
            if rng.random() < 0.15:
                msg["anonymousId"] = None
        elif rng.random() < 0.3:
            msg["userId"] = None
            msg["anonymousId"] = None
        msg["timestamp"] = at_text = iso(at)
        received = at
        if rng.random() < 0.5:
            received = at + 15 + rng.getrandbits(8)
            msg["receivedAt"] = iso(received)
        if group is None or kind == "group":
            msg["context"] = self.server_context
        else:
            context = self.server_group_context.get(group)
            if context is None:
                context = {"groupId": group, "library": cat.SERVER_LIBRARY}
                self.server_group_context[group] = context
            msg["context"] = context
        self.records.append(
            Record(
                at, received, kind, user, None, None, group, event, role, mid, msg, MAIN, at_text
            )
        )
        return msg

    def _track(
        self,
        p: Person | None,
        dev: Device | None,
        at: int,
        event: str,
        group: str | None,
        properties: dict,
    ) -> None:
        """A track by a person (from their device, or the backend when `dev` is None)."""
        user = None if p is None else p.uid_at(at)
        if dev is None or (p is not None and p.server_only(at)):
            msg = self._server(user, at, "track", group, event)
        else:
            msg = self._client(dev, user, at, "track", group, event)
        msg["event"] = event
        msg["properties"] = properties

    def _page(self, dev: Device, user: str | None, at: int, page: tuple, group: str | None):
        msg = self._client(dev, user, at, "page", group)
        msg["name"] = page[0]
        msg["properties"] = PAGE_PROPERTIES.get(page) or {"path": page[1], "title": page[0]}

    def _identify(self, p: Person, dev: Device | None, at: int) -> None:
        user = p.uid_at(at)
        if dev is None or p.server_only(at):
            msg = self._server(user, at, "identify", None)
        else:
            msg = self._client(dev, user, at, "identify", None)
        msg["traits"] = {"email": p.email, "name": p.name}

    def _group(self, p: Person | None, dev: Device | None, at: int, group: str, traits: dict):
        if p is None:
            msg = self._server(None, at, "group", group)
        elif dev is None or p.server_only(at):
            msg = self._server(p.uid_at(at), at, "group", group)
        else:
            msg = self._client(dev, p.uid_at(at), at, "group", group)
            msg["context"] = dev.context  # a group call names its group at the top level
        msg["groupId"] = group
        if traits:
            msg["traits"] = traits

    def _alias(self, previous: str, user: str, at: int) -> None:
        mid = self._mid()
        text = iso(at)
        msg = {
            "type": "alias",
            "messageId": mid,
            "previousId": previous,
            "userId": user,
            "timestamp": text,
            "context": self.server_context,
        }
        self.records.append(
            Record(at, at, "alias", user, None, previous, None, None, None, mid, msg, MAIN, text)
        )

    def _added(self, p: Person, at: int, group: str, role: str) -> None:
        user = p.uid_at(at)
        msg = self._server(user, at, "track", group, ACCOUNT_ADDED_USER, role)
        msg["event"] = ACCOUNT_ADDED_USER
        msg["properties"] = {"role": role, "seat_type": SEAT_TYPES.get(role, "full")}

    def _removed(self, p: Person, at: int, group: str) -> None:
        msg = self._server(p.uid_at(at), at, "track", group, ACCOUNT_REMOVED_USER)
        msg["event"] = ACCOUNT_REMOVED_USER
        msg["properties"] = {"reason": self.rng.choice(("left_company", "cleanup", "seat_limit"))}

    def _account_event(self, at: int, event: str, properties: dict) -> None:
        """An account-level server event: a group id, no user."""
        if at < self.end:
            msg = self._server(None, at, "track", self.group, event)
            msg["event"] = event
            msg["properties"] = properties

    def _screen(self, dev: Device, user: str | None, at: int, name: str, group: str | None) -> None:
        msg = self._client(dev, user, at, "screen", group)
        msg["name"] = name

    def _properties(self, name: str, account: int) -> dict:
        random_ = self.rng.random
        if name == cat.TASK_CREATED:
            self.tasks += 1
            project = 1 + int(random_() * 6)
            return {
                "task_id": f"tsk_{account}_{self.tasks}",
                "project_id": f"prj_{account}_{project}",
            }
        if name == cat.TASK_COMPLETED:
            task = 1 + int(random_() * (self.tasks + 1))
            project = 1 + int(random_() * 6)
            return {"task_id": f"tsk_{account}_{task}", "project_id": f"prj_{account}_{project}"}
        if name == cat.COMMENT_ADDED:
            task = 1 + int(random_() * (self.tasks + 1))
            return {"task_id": f"tsk_{account}_{task}", "length": 3 + int(random_() * 400)}
        if name == cat.FILE_UPLOADED:
            kind = cat.FILE_TYPES[int(random_() * len(cat.FILE_TYPES))]
            return {"file_type": kind, "size_kb": 4 + int(random_() * 20_000)}
        if name == cat.PROJECT_CREATED:
            self.projects += 1
            return {"project_id": f"prj_{account}_{self.projects}", "template": random_() < 0.4}
        if name == cat.REPORT_EXPORTED:
            return {"format": ("csv", "pdf", "xlsx")[int(random_() * 3)]}
        if name == cat.INTEGRATION_ENABLED:
            return {"integration": cat.INTEGRATIONS[int(random_() * len(cat.INTEGRATIONS))]}
        # an invitation nobody accepts
        email = f"friend{int(random_() * 10**6)}@mail.example"
        return {"invitee_email": email, "role": self._role()}
