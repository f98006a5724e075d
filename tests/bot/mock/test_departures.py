"""Who a member leaving mid-round affects: which groups lose someone, and whether their interview is off."""

from __future__ import annotations

from bot.mock.departures import departures, staying_in, to_ask, without_departed
from bot.mock.models import Group, GroupMember

ROLES = ("interviewer", "candidate", "observer")


def group(group_id: int, *user_ids: int) -> Group:
    return Group(group_id, 1, 9, group_id, "p", "thread", 100 + group_id, None, None, None,
                 tuple(GroupMember(u, role) for u, role in zip(user_ids, ROLES, strict=False)))


def test_a_pair_losing_one_is_called_off_and_a_trio_losing_one_is_not() -> None:
    pair, trio, untouched = group(1, 10, 11), group(2, 20, 21, 22), group(3, 30, 31)
    found = departures([pair, trio, untouched], {11, 20}, {})
    assert [(d.group.id, d.gone, d.staying, d.called_off) for d in found] == [
        (1, (11,), (10,), True), (2, (20,), (21, 22), False)]


def test_a_trio_losing_its_second_member_later_is_called_off() -> None:
    trio = group(2, 20, 21, 22)
    [found] = departures([trio], {21}, {2: {20}})
    assert found.gone == (21,) and found.staying == (22,) and found.called_off


def test_members_already_found_gone_are_neither_asked_about_nor_found_again() -> None:
    pair, trio = group(1, 10, 11), group(2, 20, 21, 22)
    assert to_ask([pair, trio], {2: {20}}) == [10, 11, 21, 22]
    assert departures([trio], {20}, {2: {20}}) == []


def test_a_pair_whose_both_members_left_is_called_off_with_nobody_to_tell() -> None:
    [found] = departures([group(1, 10, 11)], {10, 11}, {})
    assert found.staying == () and found.called_off


def test_the_observer_takes_the_part_of_the_interviewer_or_candidate_who_left() -> None:
    trio = group(2, 20, 21, 22)  # interviewer, candidate, observer
    assert [d.part_taken for d in departures([trio], {20}, {})] == [(22, "interviewer")]
    assert [d.part_taken for d in departures([trio], {21}, {})] == [(22, "candidate")]
    assert [d.part_taken for d in departures([trio], {22}, {})] == [None]  # the pair keeps its roles
    assert [d.part_taken for d in departures([trio], {20, 22}, {})] == [None]  # called off: nobody to take it


def test_nudges_and_check_ins_see_the_group_without_those_who_left() -> None:
    trio = group(2, 20, 21, 22)
    assert [m.user_id for m in staying_in(trio, {21}).members] == [20, 22]
    assert [g.members for g in without_departed([trio], {})] == [trio.members]
