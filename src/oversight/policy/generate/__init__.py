"""A realistic scenario for the conformance contract: ``oversight generate``.

``write_scenario`` simulates a children's services workforce under one council's
policy pack over the ``years`` before ``as_of`` and writes it as one compact JSON
object that ``oversight check`` accepts. The large lists (sessions, children, case
reviews) are streamed as they are made.

What is simulated (proportions from ``../shared/SCALE.md``):

- an establishment of ``staff`` posts: teams of practitioners under a team manager
  at the pack's ratio (7-9 where it sets none), service managers over 4-6 teams,
  heads of service over 3-5 service managers and, where the pack names one, a
  director over them; team types (fieldwork, early help, leaving care, fostering,
  reviewing officers, front door, children's homes, business support) use the
  pack's own roles where it has them;
- turnover of about 16% a year with vacancy gaps, agency (``temporary``) and
  ``casual`` staff, an ASYE intake each autumn (``asye_start``, ``asye_reviews``;
  ASYE workers become social workers after a year), student placements each
  autumn and spring supervised by a practice educator;
- relationships that end and start as people come and go (a manager's absence
  between posts is covered by the manager above), one agreement per
  relationship with its reviews;
- sessions of each kind the pack requires of each role at about its frequency
  (and case supervision of case holders where children are reviewed in it),
  group sessions, observations where the pack sets a quota, cancellations for
  sickness, leave and other reasons with rearranged sessions, records shared and
  agreed mostly on time, supervisor absences, a few planned future sessions;
- about 16 children per case-holding worker with case reviews held in the
  worker's supervision and directions recorded mostly on time.

Determinism: one ``random.Random(seed)``, no set iteration, no clock reads; the
same arguments give the same bytes. Pure Python: no Django.

The modules, in the order the simulation runs them (``scenario.write``):
``establishment`` (posts and who holds them), ``relationships`` (who supervises whom,
agreements), ``absences`` (absences, casual hours, ASYE reviews), ``children``
(allocation; case reviews as they are written), ``schedule`` and ``sessions`` (when
sessions fall due, how they go, their records); ``state`` holds what they share,
``shape`` the service's proportions, ``people`` the posts and people, ``workdays`` the
date helpers.
"""

from .scenario import generate_scenario, write_scenario

__all__ = ["write_scenario", "generate_scenario"]
