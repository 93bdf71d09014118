"""Who may see and do what, route by route: the authorization matrix's expectations.

Every page (by its URL name) and every API operation ("METHOD /api/path") is classified here;
a route that is not fails the matrix, so a new route is classified when it is added. A Policy
says who may *see* that the route's object exists (everyone else gets 404; the anonymous 401
from the API, the sign-in page from a page) and who may *do* what it does (those who see but may
not do get 403). The actors are trust_world's: Alice and Bob of Outlier (the owner of the data),
Charlie and Rick of Rival (a competitor), Pat of Partner Co-op (Outlier's partner in a formed
consortium) and Cora (the coordinator)."""

from __future__ import annotations

from dataclasses import dataclass

from matrix_routes import Route
from trust_world import ACTORS

ANONYMOUS = "anonymous"
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {ANONYMOUS}
CORA = frozenset({"cora"})
ALICE = frozenset({"alice"})
OUTLIER = frozenset({"alice", "bob"})
OUTLIER_AND_CORA = OUTLIER | CORA
RIVAL = frozenset({"charlie", "rick"})
#: the formed consortium: Outlier posted it, Partner Co-op is in it
PARTNERS = OUTLIER | {"pat"}
PARTIES = PARTNERS | CORA  # the contract's parties and the coordinator
#: the mentoring pairing of Outlier's learner with Rival's mentor, and the coordinator
PAIRING = OUTLIER | {"charlie", "rick", "cora"}

#: what a write may answer to someone who may make it, with the matrix's plain body: done
#: (2xx, or a page's redirect), or refused for its content (400 a page's form, 409, 422)
WRITTEN = frozenset({200, 201, 202, 204, 302, 400, 409, 422})


@dataclass(frozen=True)
class Policy:
    see: frozenset[str]
    do: frozenset[str]
    verbs: tuple[str, ...] = ("get",)  # a page's methods (others: 405); an operation has one
    ok: frozenset[int] = frozenset({200})  # what a read answers those who may do it
    readers: frozenset[str] | None = None  # who may GET a form (by default, who may send it)

    def allowed(self, actor: str, method: str, api: bool) -> frozenset[int]:
        if actor not in self.see:
            if actor == ANONYMOUS:
                return frozenset({401 if api else 302, 404})
            return frozenset({404})
        if not api and method not in self.verbs:
            return frozenset({405})
        doers = self.readers if method == "get" and self.readers is not None else self.do
        if actor not in doers:
            # a page may refuse with a message on the page it sends you back to
            return frozenset({403} if api else {302, 403})
        return self.ok if method == "get" else WRITTEN


def read(see: frozenset[str], ok: frozenset[int] = frozenset({200})) -> Policy:
    return Policy(see, see, ("get",), ok)


def act(do: frozenset[str], see: frozenset[str] | None = None) -> Policy:
    """An action (a page's POST, an API write) that `see` may know of and `do` may take."""
    return Policy(see or do, do, ("post",))


def form(do: frozenset[str], see: frozenset[str] | None = None) -> Policy:
    """A page with a form: shown (GET) and sent (POST)."""
    return Policy(see or do, do, ("get", "post"))


def other_methods() -> Policy:
    """The methods a path of the API does not have: 405, or 404 to those who may not see it
    (a router guarded for its organisation), or 401 to the anonymous."""
    return Policy(EVERYONE, frozenset(), ())


def variants(route: Route) -> list[str]:
    """A route about an opportunity is asked of Outlier's draft and of its formed one."""
    return ["", "@formed"] if "{opportunity_id}" in route.template else [""]


PAGES: dict[str, Policy] = {
    # the API's documents: its schema is public
    "api-1:openapi-json": Policy(EVERYONE, EVERYONE, ("get", "post")),
    "api-1:openapi-view": Policy(EVERYONE, EVERYONE, ("get", "post")),
    "api-1:api-root": read(frozenset()),
    # signing in and out, resetting a password: anyone; changing it: the signed in
    "login": form(EVERYONE),
    "logout": act(EVERYONE),
    "password_reset": form(EVERYONE),
    "password_reset_done": read(EVERYONE),
    "password_reset_confirm": form(EVERYONE),
    "password_reset_complete": read(EVERYONE),
    "password_change": form(SIGNED_IN),
    "password_change_done": read(SIGNED_IN),
    "home": read(SIGNED_IN),
    # the audit trail: an organisation's admins read its events; the coordinator all, on its page
    "directory:audit": read(ALICE),
    "directory:network_audit": read(CORA),
    # an invitation's page, by its secret token (the matrix's is not one: nobody's)
    "directory:invitation": form(frozenset()),
    # a title on the partners' profiles only by the poster's consent: its admins'
    "opportunities:title": act(ALICE, OUTLIER),
    "opportunities:title@formed": act(ALICE, PARTNERS),
    # API tokens: each signed-in user's own, listed, issued and revoked by their owner
    "tokens:list": form(SIGNED_IN),
    "tokens:revoke": act(ALICE),
    # notifications: each signed-in user's own; someone else's is a 404
    "notifications:list": read(SIGNED_IN),
    "notifications:read": act(ALICE),
    "notifications:read_all": act(SIGNED_IN),
    "notifications:preferences": form(SIGNED_IN),
    # the directory: profiles are public to the signed in, the rest Outlier's
    "directory:search": read(SIGNED_IN),
    "directory:skill_search": read(EVERYONE),  # the taxonomy is public (the front door's too)
    "directory:profile": read(SIGNED_IN),
    "directory:manage": read(OUTLIER),
    "directory:export_csv": read(OUTLIER),
    "directory:export_json": read(OUTLIER),
    "directory:person_create": form(ALICE, OUTLIER),
    "directory:invite": form(ALICE, OUTLIER),
    "directory:import": form(ALICE, OUTLIER),
    "directory:person_edit": form(ALICE, OUTLIER),
    "directory:person_delete": form(ALICE, OUTLIER),
    # how an organisation describes itself: its admins'; its public profile: anyone's
    "directory:describe": form(ALICE, OUTLIER),
    "directory:public_profile": read(EVERYONE),
    "organisations:search": read(SIGNED_IN),
    # joint bids: an opportunity's pursuit is its poster's (its members read it, its admins set
    # its keys and propose); Rival's proposal for the same client is Outlier's and Rival's
    "jointbids:overview": read(SIGNED_IN),
    "jointbids:pursuit": Policy(OUTLIER, ALICE, ("get", "post"), readers=OUTLIER),
    "jointbids:pursuit@formed": Policy(OUTLIER, ALICE, ("get", "post"), readers=OUTLIER),
    "jointbids:propose": act(ALICE, OUTLIER),
    "jointbids:propose@formed": act(ALICE, OUTLIER),
    "jointbids:detail": read(OUTLIER | RIVAL),
    "jointbids:answer": act(ALICE | {"charlie"}, OUTLIER | RIVAL),
    # offerings: the network's to browse and compare (without ?ids= the comparison sends the
    # reader back to the list); an organisation's admins' to change (404 to anyone else)
    "offerings:browse": read(SIGNED_IN),
    "offerings:compare": read(SIGNED_IN, frozenset({302})),
    "offerings:create": form(ALICE),
    "offerings:edit": form(ALICE),
    "offerings:delete": form(ALICE),
    # opportunities: the poster's, and the formed one its partners' too
    "opportunities:list": read(SIGNED_IN),
    # any admin posts for its own organisation (Charlie's empty form is refused: 400)
    "opportunities:create": form(frozenset({"alice", "charlie", "pat"}), SIGNED_IN),
    "opportunities:detail": read(OUTLIER),
    "opportunities:detail@formed": read(PARTNERS),
    "opportunities:formation": act(ALICE, OUTLIER),
    "opportunities:formation@formed": act(ALICE, PARTNERS),
    # a formation run is its poster's business alone
    "opportunities:progress": read(OUTLIER),
    # edit, withdraw, close: the poster's admins, before formation (a formed one: refused
    # with a message on the page it sends you back to)
    "opportunities:edit": form(ALICE, OUTLIER),
    "opportunities:edit@formed": Policy(PARTNERS, ALICE, ("get", "post"), frozenset({302})),
    "opportunities:withdraw": act(ALICE, OUTLIER),
    "opportunities:withdraw@formed": act(ALICE, PARTNERS),
    "opportunities:close": act(ALICE, OUTLIER),
    "opportunities:close@formed": act(ALICE, PARTNERS),
    # an empty form is refused (400) before the right to decide is looked at
    "opportunities:decide": act(PARTNERS),
    # the network: the coordinator's
    "network:dashboard": read(CORA),
    "network:commission": act(CORA),
    "network:admit": act(CORA),
    # shared services: listed for all, run by the coordinator, joined by admins
    "sharedservices:list": read(SIGNED_IN),
    "sharedservices:detail": read(SIGNED_IN),
    "sharedservices:create": form(CORA),
    "sharedservices:edit": form(CORA),
    "sharedservices:enrolment": act(OUTLIER),  # Bob's empty form: 400 before the right
    "sharedservices:leave": act(ALICE, OUTLIER),
    # mentoring
    "mentoring:overview": read(SIGNED_IN),
    "mentoring:plan": read(SIGNED_IN),
    "mentoring:plan_compute": act(CORA),
    "mentoring:pairing": read(PAIRING),
    "mentoring:pairing_decision": act(PAIRING),  # refusals redirect with a message
    "mentoring:organisation": read(OUTLIER),
    "mentoring:people_search": read(OUTLIER),
    "mentoring:opt_in": act(ALICE, OUTLIER),
    "mentoring:wish_add": act(OUTLIER),  # empty forms: 400 before the right
    "mentoring:wish_remove": act(ALICE, OUTLIER),
    "mentoring:mentor_hours": act(OUTLIER),
    "mentoring:session_add": act(OUTLIER),
    "mentoring:level_change": act(OUTLIER),
    # the books: a contract is its parties' (and the coordinator's); the poster delivers
    "books:contracts": read(SIGNED_IN),
    "books:contract": read(PARTIES),
    "books:milestones": act(ALICE, PARTIES),
    "books:cancel": act(ALICE, PARTIES),
    "books:client": act(ALICE, PARTIES),
    "books:deliver": act(ALICE, PARTIES),
    "books:contract_statement": read(OUTLIER_AND_CORA),
    # an invoice shows the contract's value: the poster's and the coordinator's (partner_view)
    "books:invoice": read(OUTLIER_AND_CORA),
    "books:invoice_pdf": read(OUTLIER_AND_CORA),
    "books:payment": act(CORA, OUTLIER_AND_CORA),
    "books:credit_note": act(CORA, OUTLIER_AND_CORA),
    "books:statement": read(OUTLIER_AND_CORA),
    "books:payouts": read(OUTLIER_AND_CORA),
    # the coordinator reads the bank details, only the admins change them
    "books:bank": Policy(ALICE | CORA, ALICE, ("get", "post"), readers=ALICE | CORA),
    "books:network": read(CORA),
    "books:payout_run": act(CORA),
    "books:service_month": act(CORA),
    "books:settings": act(CORA),
    # a SEPA file of a run in pounds cannot be made: 409
    "bankfiles:pain001": read(CORA, frozenset({200, 409})),
    "bankfiles:csv": read(CORA),
    "books_exports:beancount": read(SIGNED_IN),  # each its own organisation's view
    "books_exports:csv": read(SIGNED_IN),
    # the front door: anyone sends a request (an empty form: 400); its confirmation by a
    # signed reference (the matrix's is not one: nobody's)
    "clients:front_door": form(EVERYONE),
    "clients:sent": read(frozenset()),
    # client requests: the coordinator's inbox; one passed to Outlier its admins' too
    "clients:inbox": read(CORA),
    "clients:organisation": read(ALICE),
    "clients:detail": read(ALICE | CORA),
    "clients:pass": act(CORA),
    "clients:decline": act(CORA),
    "clients:turn": form(ALICE | CORA),
}

OPERATIONS: dict[str, Policy] = {
    "GET /api/people": read(SIGNED_IN),
    "GET /api/skills": read(SIGNED_IN),
    "GET /api/organisations/{slug}": read(SIGNED_IN),
    "GET /api/organisations/{slug}/people": read(OUTLIER),
    "POST /api/organisations/{slug}/people": act(ALICE),  # Bob gets 404, not 403
    "GET /api/people/{person_id}": read(OUTLIER),
    "PATCH /api/people/{person_id}": act(ALICE, OUTLIER),
    "DELETE /api/people/{person_id}": act(ALICE, OUTLIER),
    "POST /api/opportunities": act(ALICE, OUTLIER),
    "GET /api/opportunities": read(SIGNED_IN),
    "GET /api/opportunities/{opportunity_id}": read(OUTLIER),
    "GET /api/opportunities/{opportunity_id}@formed": read(PARTNERS),
    "POST /api/opportunities/{opportunity_id}/formation": act(ALICE, OUTLIER),
    "PUT /api/opportunities/{opportunity_id}": act(ALICE, OUTLIER),
    "PUT /api/opportunities/{opportunity_id}@formed": act(ALICE, PARTNERS),
    "POST /api/opportunities/{opportunity_id}/withdrawal": act(ALICE, OUTLIER),
    "POST /api/opportunities/{opportunity_id}/withdrawal@formed": act(ALICE, PARTNERS),
    "POST /api/opportunities/{opportunity_id}/closure": act(ALICE, OUTLIER),
    "POST /api/opportunities/{opportunity_id}/closure@formed": act(ALICE, PARTNERS),
    "POST /api/opportunities/{opportunity_id}/formation@formed": act(ALICE, PARTNERS),
    "GET /api/opportunities/runs/{run_id}": read(OUTLIER),
    "GET /api/opportunities/{opportunity_id}/proposals": read(OUTLIER),
    "GET /api/opportunities/{opportunity_id}/proposals@formed": read(PARTNERS),
    "POST /api/opportunities/proposals/{proposal_id}/decision": act(ALICE | {"pat"}, PARTNERS),
    "GET /api/network/summary": read(CORA),
    "PUT /api/network/commission": act(CORA),
    "GET /api/network/commission-policy": read(CORA),
    "PUT /api/network/commission-policy": act(CORA),
    "PUT /api/network/opportunities/{opportunity_id}/commission": act(CORA),
    "PUT /api/network/opportunities/{opportunity_id}/commission@formed": act(CORA),
    "GET /api/services": read(SIGNED_IN),
    "POST /api/services": act(CORA, SIGNED_IN),
    "GET /api/services/{slug}": read(SIGNED_IN),
    "PATCH /api/services/{slug}": act(CORA, SIGNED_IN),
    "GET /api/services/{slug}/fees": read(SIGNED_IN),
    "GET /api/services/{slug}/members/{org_slug}": read(OUTLIER_AND_CORA),
    "PUT /api/services/{slug}/members/{org_slug}": act(ALICE, OUTLIER),
    "DELETE /api/services/{slug}/members/{org_slug}": act(ALICE, OUTLIER),
    "GET /api/skills/map": read(SIGNED_IN),
    "GET /api/skills/organisations/{slug}/map": read(OUTLIER),
    "PUT /api/skills/organisations/{slug}/opt-in": act(ALICE, OUTLIER),
    "PUT /api/skills/people/{person_id}/mentor-hours": act(ALICE, OUTLIER),
    "POST /api/skills/people/{person_id}/wishes": act(ALICE, OUTLIER),
    "DELETE /api/skills/wishes/{wish_id}": act(ALICE, OUTLIER),
    "GET /api/skills/plan": read(SIGNED_IN),
    "POST /api/skills/plan": act(CORA, SIGNED_IN),
    "POST /api/skills/pairings/{pairing_id}/decision": act(
        frozenset({"alice", "charlie"}), PAIRING
    ),
    "GET /api/skills/sessions": read(SIGNED_IN),  # each sees its own organisations' sessions
    "POST /api/skills/sessions": act(ALICE, OUTLIER),
    "GET /api/skills/sessions/{session_id}": read(OUTLIER_AND_CORA),
    "POST /api/skills/level-changes": act(ALICE, OUTLIER),
    "GET /api/skills/history": read(SIGNED_IN),
    "GET /api/books/contracts": read(SIGNED_IN),
    "GET /api/tokens": read(SIGNED_IN),
    "GET /api/audit": read(SIGNED_IN),
    "GET /api/invitations": read(SIGNED_IN),
    "POST /api/invitations/{invitation_id}/accept": act(frozenset({"charlie"})),
    "POST /api/invitations/{invitation_id}/decline": act(frozenset({"charlie"})),
    "POST /api/opportunities/{opportunity_id}/title-consent": act(ALICE, OUTLIER),
    "POST /api/opportunities/{opportunity_id}/title-consent@formed": act(ALICE, PARTNERS),
    "PUT /api/network/partner-view": act(CORA),
    "POST /api/tokens": act(SIGNED_IN),
    "DELETE /api/tokens/{token_id}": act(ALICE),
    "GET /api/books/contracts/{contract_id}": read(PARTIES),
    "PUT /api/books/contracts/{contract_id}/milestones": act(ALICE, PARTIES),
    "PUT /api/books/contracts/{contract_id}/client": act(ALICE, PARTIES),
    "POST /api/books/milestones/{milestone_id}/delivery": act(ALICE, PARTIES),
    "POST /api/books/contracts/{contract_id}/cancellation": act(ALICE, PARTIES),
    "GET /api/books/invoices": read(SIGNED_IN),
    "GET /api/books/invoices/{invoice_id}": read(OUTLIER_AND_CORA),
    "POST /api/books/invoices/{invoice_id}/payments": act(CORA, OUTLIER_AND_CORA),
    "POST /api/books/invoices/{invoice_id}/credit-note": act(CORA, OUTLIER_AND_CORA),
    "POST /api/books/payout-runs": act(CORA),
    "GET /api/books/organisations/{slug}/statement": read(OUTLIER_AND_CORA),
    "GET /api/books/organisations/{slug}/bank-account": read(ALICE | CORA),
    "PUT /api/books/organisations/{slug}/bank-account": act(ALICE, OUTLIER_AND_CORA),
    "GET /api/books/trial-balance": read(CORA),
    "POST /api/books/entries/{entry_id}/reversal": act(CORA),
    "POST /api/books/service-months": act(CORA),
    "GET /api/books/settings": read(CORA),
    "PUT /api/books/settings": act(CORA),
    "GET /api/books/export": read(SIGNED_IN),
    # joint bids: as their pages
    "GET /api/jointbids/opportunities/{opportunity_id}": read(OUTLIER),
    "GET /api/jointbids/opportunities/{opportunity_id}@formed": read(OUTLIER),
    "PUT /api/jointbids/opportunities/{opportunity_id}": act(ALICE, OUTLIER),
    "PUT /api/jointbids/opportunities/{opportunity_id}@formed": act(ALICE, OUTLIER),
    "POST /api/jointbids/opportunities/{opportunity_id}/joint-bid": act(ALICE, OUTLIER),
    "POST /api/jointbids/opportunities/{opportunity_id}/joint-bid@formed": act(ALICE, OUTLIER),
    "GET /api/jointbids/{joint_bid_id}": read(OUTLIER | RIVAL),
    "POST /api/jointbids/{joint_bid_id}/answer": act(ALICE | {"charlie"}, OUTLIER | RIVAL),
    "GET /api/offerings": read(SIGNED_IN),
    "POST /api/offerings": act(ALICE),  # for Outlier: 404 to all but its admin
    "GET /api/offerings/compare": read(SIGNED_IN, frozenset({422})),  # no ids: refused
    "GET /api/offerings/{offering_id}": read(SIGNED_IN),
    "PATCH /api/offerings/{offering_id}": act(ALICE),
    "DELETE /api/offerings/{offering_id}": act(ALICE),
    "GET /api/notifications": read(SIGNED_IN),
    "POST /api/notifications/{notification_id}/read": act(ALICE),
    "POST /api/notifications/read-all": act(SIGNED_IN),
    "GET /api/notifications/preferences": read(SIGNED_IN),
    "PUT /api/notifications/preferences": act(SIGNED_IN),
    # client requests: each reads those it may (the coordinator all, Outlier's admin the one
    # passed to Outlier, the others none); one request: those two only
    "GET /api/clients/requests": read(SIGNED_IN),
    "GET /api/clients/requests/{request_id}": read(ALICE | CORA),
}

EXPECTED: dict[str, Policy] = {**PAGES, **OPERATIONS}
