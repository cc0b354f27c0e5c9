"""``oversight api_token``: create, list and revoke API tokens for integrations.

    oversight api_token create --user USERNAME --name "LCS sync" --scopes read,write --days 90
    oversight api_token create --person STAFF_ID [--organisation SLUG] --scopes read --days 30
    oversight api_token list [--user USERNAME]
    oversight api_token revoke PREFIX_OR_ID

The key is printed once, on stdout alone (so it can be piped into a secret store); only its
SHA-256 is kept. A token acts as its user and never beyond what the access policy lets them do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.errors import ServiceError
from oversight.people.models import Person

from ...models import ApiToken
from ...services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (the key is shown once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="a new token; prints its key once")
        who = create.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="the user's username")
        who.add_argument("--person", help="a member of staff's staff ID (their sign-in holds the token)")
        create.add_argument("--organisation", help="the organisation's slug, where a staff ID is not unique")
        create.add_argument("--name", default="", help="what the token is for (default: 'API token for ...')")
        create.add_argument("--scopes", default="read", help="comma-separated: read, write (default: read)")
        create.add_argument("--days", type=int, default=90, help="days until it expires (1 to 366; default 90)")
        listing = commands.add_parser("list", help="tokens, newest first (never their keys)")
        listing.add_argument("--user", help="only this user's")
        revoke = commands.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("token", help="the token's id or the prefix 'list' shows (e.g. ovs_Ab3dE9)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['command']}")(options)
        except ServiceError as exc:
            raise CommandError(f"{exc.field}: {exc.message}" if exc.field != "__all__" else exc.message) from None

    def _user(self, options: dict[str, Any]) -> Any:
        if options.get("user"):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
            return user
        people = Person.objects.filter(staff_id=options["person"]).select_related("user", "organisation")
        if options.get("organisation"):
            people = people.filter(organisation__slug=options["organisation"])
        found = list(people[:2])
        if not found:
            raise CommandError(f"no member of staff {options['person']!r}")
        if len(found) > 1:
            raise CommandError(f"staff ID {options['person']!r} is in more than one organisation: give --organisation")
        if found[0].user is None:
            raise CommandError(f"{found[0].name} has no sign-in to hold a token")
        return found[0].user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options)
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        name = options["name"] or f"API token for {user.get_username()}"
        token, key = api_token_create(user=user, name=name, scopes=scopes, days=options["days"])
        expires = timezone.localtime(token.expires_at)
        self.stderr.write(
            f"{token} for {user.get_username()}: scopes {','.join(token.scopes)}, expires {expires:%d %B %Y %H:%M}.\n"
            "The key follows. It is shown once: keep it in your secret store."
        )
        self.stdout.write(key)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user")
        if options.get("user"):
            tokens = tokens.filter(user__username=options["user"])
        now = timezone.now()
        for token in tokens:
            state = "revoked" if token.revoked_at else "expired" if token.expires_at <= now else "live"
            used = f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}\t{token.user.get_username()}\t{','.join(token.scopes)}\t{state}\t"
                f"expires {timezone.localtime(token.expires_at):%Y-%m-%d}\tlast used {used}\t{token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        given = options["token"]
        tokens = ApiToken.objects.filter(pk=int(given)) if given.isdigit() else ApiToken.objects.filter(prefix=given)
        found = list(tokens[:2])
        if not found:
            raise CommandError(f"no API token {given!r}")
        if len(found) > 1:
            raise CommandError(f"{given!r} matches more than one token: give its id (see 'list')")
        token = api_token_revoke(token=found[0])
        self.stdout.write(f"{token} revoked.")
