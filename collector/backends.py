"""Back ends posting directly to ``POST /v1/submissions`` (the rules of the ``backend`` token role).

A PA back end relaying its citizens' answers sends ``Authorization: Bearer <token>``, a registry
token of role ``backend`` scoped to its entity (``ascolto registry token create --role backend``).
The header is the standard one (the console's API takes the same ``asc_…`` tokens the same way);
the ``X-Ascolto-Device``/``X-Ascolto-Operator`` headers carry other kinds of credential.

* Verified through the service directory's cache (:meth:`registry.readmodel.ServiceDirectory.backend`):
  no query per request; a revocation is seen within ``ASCOLTO_REGISTRY_TTL_S``, an expiry at once.
* Valid and of the service's entity: it stands in for the origin check, the per-IP citizen limit
  does not apply and ``ASCOLTO_RATE_LIMIT_BACKEND`` per token does (the per-service limit still
  does). Any other value of the header — not ``Bearer``, malformed, unknown, revoked, expired,
  another role, another entity's — is a 403 naming ``authorization``; a refused header counts
  against the client's address like a citizen's post.
* A post with neither an ``Origin`` (browsers always send one on a ``POST``: the widget's, the
  kiosk page's) nor a token, a kiosk device or an operator's credential is a 401 naming ``Origin``
  and ``authorization``, for every entity: the public service key alone never suffices. The answer
  says how a back end gets its token and is the same whether or not the entity has one yet (it
  does not tell anyone which administrations have back ends). The no-JS form (its own pages post
  without an ``Origin``, vouched for by the signed render token) and the operators' in-process
  backfill are not direct posts and are not asked.
A request without the header pays one WSGI environ lookup for all this.
"""
from __future__ import annotations

from registry.readmodel import BackendView, ServiceView

from .errors import ApiError

HEADER = "Authorization"
ENVIRON_KEY = "HTTP_AUTHORIZATION"


def _refuse(why: str) -> ApiError:
    return ApiError(403, "backend_not_allowed", f"The back-end token is refused: {why}",
                    {"authorization": [why]})


def verify(directory, value: str, limits, address: str | None) -> BackendView:
    """The back-end token of an ``Authorization`` header value, counted against its own limit.

    Raises 403 (naming ``authorization``) for any header that is not a valid back-end token, after
    counting the request against the client's ``address`` (429 when that is exhausted), and 429 past
    the token's own limit."""
    scheme, _, secret = value.strip().partition(" ")
    backend = directory.backend(secret.strip()) if scheme.lower() == "bearer" else None
    if backend is None:
        limits.check_address(address)
        if scheme.lower() != "bearer":
            raise _refuse("Expected 'Bearer <token>'.")
        raise _refuse(directory.backend_refusal(secret.strip()))  # which (expired, revoked…), to its holder only
    limits.check_backend(backend.prefix)
    return backend


def check(backend: BackendView | None, cfg: ServiceView) -> None:
    """A verified token must be of ``cfg``'s entity (403 naming ``authorization`` otherwise)."""
    if backend is not None and backend.entity != cfg.entity:
        raise _refuse(f"This token is of administration {backend.entity} and posts only to its services; "
                      f"{cfg.key!r} is another administration's: check the service key, or use that "
                      "administration's token.")


def required(cfg: ServiceView) -> ApiError:
    """The 401 of a direct post with neither an ``Origin`` nor a credential (the module's rules)."""
    return ApiError(401, "backend_token_required",
                    f"Service {cfg.key!r} takes posts without an Origin only from its administration's back end, "
                    "with its token (Authorization: Bearer <token>). A back end gets one from the national operators "
                    f"(ascolto registry token create --role backend --entity {cfg.entity}); a browser sends Origin.",
                    {"Origin": ["Missing: only browsers' posts carry it, and they are checked against the "
                                "service's allowed origins."],
                     "authorization": ["Missing: a back end must send its token, Authorization: Bearer <token> "
                                       "(role backend, from the national operators)."]},
                    headers={"WWW-Authenticate": 'Bearer realm="ascolto-collector"'})
