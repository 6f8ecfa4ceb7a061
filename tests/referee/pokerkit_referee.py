#!/usr/bin/env python3
"""PokerKit as an independent referee for holdem-arena's PHH hand histories.

Usage: pokerkit_referee.py FILE.phhs [FILE.phhs ...]

Every hand of every file is replayed with PokerKit's state machine, one state
operation per PHH action (not through ``pokerkit.HandHistory``, whose iterator
silently repairs broken hands): each action must be legal when it is taken, by
the right player, and the final stacks must equal ``finishing_stacks`` exactly.

Warnings: Open Poker offers ``fold`` even when checking is free; PokerKit (cash-game
mode) warns "There is no reason for this player to fold." for that, which is
counted and allowed. Any other warning is a failure.

Prints one summary line and exits 1 on any disagreement (printing each, with the
``_seed`` and ``_hand_index`` to give to ``holdem-arena replay``), else 0.
"""

import sys
import tomllib
import warnings

from pokerkit import Automation, Mode, NoLimitTexasHoldem
from pokerkit.state import ChipsPushing

FREE_FOLD_WARNING = 'There is no reason for this player to fold.'

AUTOMATIONS = (
    Automation.ANTE_POSTING,
    Automation.BET_COLLECTION,
    Automation.BLIND_OR_STRADDLE_POSTING,
    Automation.RUNOUT_COUNT_SELECTION,
    Automation.HAND_KILLING,
    Automation.CHIPS_PUSHING,
    Automation.CHIPS_PULLING,
)


class Disagreement(Exception):
    """PokerKit and the engine disagree about a hand."""


def player_index(word):
    if not word.startswith('p'):
        raise Disagreement(f'{word!r} is not a player')
    return int(word[1:]) - 1


def replay(hand, counts):
    """Replays one PHH hand; raises Disagreement. Updates counts for the hand."""
    if hand.get('variant') != 'NT':
        raise Disagreement(f"variant {hand.get('variant')!r} is not NT")
    stacks = tuple(hand['starting_stacks'])
    state = NoLimitTexasHoldem.create_state(
        AUTOMATIONS,
        hand.get('ante_trimming_status', False),
        tuple(hand['antes']),
        tuple(hand['blinds_or_straddles']),
        hand['min_bet'],
        stacks,
        len(stacks),
        mode=Mode.CASH_GAME,
    )
    flags = set()
    for action in hand['actions']:
        words = action.split()
        if '#' in words:
            if 'automatic check' in action:
                counts['automatic checks for PokerKit'] += 1
            words = words[:words.index('#')]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            try:
                apply(state, words, flags)
            except ValueError as e:
                raise Disagreement(f'{action!r} rejected by PokerKit: {e}') from e
        for w in caught:
            message = str(w.message)
            if message == FREE_FOLD_WARNING and words[1:] == ['f']:
                counts['folds when checking was free'] += 1
            else:
                raise Disagreement(f'{action!r}: PokerKit warns {message!r}')
    if state.status:
        raise Disagreement(
            'the hand is not over after the last action'
            f' (PokerKit waits for actor {state.actor_index},'
            f' showdown {state.showdown_index})'
        )
    finishing = list(hand['finishing_stacks'])
    pushes = [op for op in state.operations if isinstance(op, ChipsPushing)]
    if list(state.stacks) != finishing:
        if odd_chips_one_each(state.stacks, pushes) == finishing:
            counts['odd-chip rule differences'] += 1
        elif odd_chip_rounding(state.stacks, finishing, pushes):
            counts['odd-chip rule differences'] += 1
        else:
            raise Disagreement(
                f'PokerKit finishing stacks {list(state.stacks)} != {finishing}'
            )
    pots = {op.pot_index for op in pushes}
    if len(pots) >= 2:
        flags.add('side pots')
    if len(pots) >= 3:
        flags.add('side pots with 3+ levels')
    if any(sum(1 for a in op.amounts if a) >= 2 for op in pushes):
        flags.add('split pots')
    if any(a > 0 for a in hand['antes']):
        flags.add('antes')
    if not any(op for op in pushes if sum(1 for a in op.amounts if a) >= 1):
        raise Disagreement('no pot was pushed')
    for flag in flags:
        counts[flag] += 1


def odd_chips_one_each(stacks, pushes):
    """PokerKit's final stacks with the odd chips of split pots re-dealt one each.

    PokerKit gives a split pot's whole remainder to the first tied winner
    (pokerkit/state.py, State.push_chips: ``if i == player_indices[0]:
    sub_sub_sub_amount += remainder``). The engine follows the TDA rules
    (General Concepts 20-21, as in the BARGE rulebook: "No player may receive
    more than one odd chip"; the first hand clockwise from the button first): one
    odd chip each to the tied winners in order from the first seat left of the
    button, which is PHH player order. The two differ only when three or more
    players tie and the remainder is two or more.
    """
    adjusted = list(stacks)
    for op in pushes:
        winners = [i for i, a in enumerate(op.amounts) if a]
        if len(winners) < 3:
            continue
        total = sum(op.amounts)
        quotient, remainder = divmod(total, len(winners))
        if remainder < 2 or op.amounts[winners[0]] != quotient + remainder:
            continue
        if any(op.amounts[i] != quotient for i in winners[1:]):
            continue
        adjusted[winners[0]] -= remainder - 1
        for i in winners[1:remainder]:
            adjusted[i] += 1
    return adjusted


def odd_chip_rounding(stacks, finishing, pushes):
    """Whether the stacks differ only by how split pots' odd chips were dealt.

    Besides the remainder rule (see odd_chips_one_each), PokerKit kills the
    losing hands before it pushes chips and merges adjacent pots whose remaining
    players are the same (pokerkit/state.py, State.pots: ``while pots and
    pots[-1].player_indices == tuple(player_indices)``), so it divides once where
    the engine divides each side pot (each contribution level) on its own, with
    its own odd chips. Allowed: the same total; only co-winners of a split pot
    differ; each by fewer chips than the table has seats.
    """
    if sum(stacks) != sum(finishing):
        return False
    sharers = set()
    for op in pushes:
        winners = [i for i, a in enumerate(op.amounts) if a]
        if len(winners) >= 2:
            sharers.update(winners)
    return all(
        a == b or (i in sharers and abs(a - b) < len(stacks))
        for i, (a, b) in enumerate(zip(stacks, finishing))
    )


def apply(state, words, flags):
    """Applies one PHH action to state with PokerKit's own operations."""
    match words:
        case ['d', 'dh', player, cards]:
            state.deal_hole(cards, player_index(player))
        case ['d', 'db', cards]:
            # Burn an unknown card, as pokerkit.HandHistory does: automatic
            # burning would draw from PokerKit's own deck, maybe a board card.
            while state.can_burn_card():
                state.burn_card('??')
            state.deal_board(cards)
        case [player, *rest] if rest and rest[0] in ('f', 'cc', 'cbr'):
            if player_index(player) != state.actor_index:
                raise Disagreement(
                    f'{" ".join(words)!r}: PokerKit expects'
                    f' p{(state.actor_index or -1) + 1} to act'
                )
            actor = state.actor_index
            match rest:
                case ['f']:
                    state.fold()
                case ['cc']:
                    owed = max(state.bets) - state.bets[actor]
                    if 0 < state.stacks[actor] < owed:
                        flags.add('short all-in calls')
                    state.check_or_call()
                case ['cbr', amount]:
                    amount = int(amount)
                    full = max(state.bets) + max(
                        state.completion_betting_or_raising_amount,
                        state.street.min_completion_betting_or_raising_amount,
                    )
                    if amount == state.stacks[actor] + state.bets[actor]:
                        flags.add('all-ins')
                        if amount < full:
                            flags.add('short all-in raises')
                    state.complete_bet_or_raise_to(amount)
                case _:
                    raise Disagreement(f'unknown action {" ".join(words)!r}')
        case [player, 'sm', cards]:
            state.show_or_muck_hole_cards(cards, player_index(player))
        case [player, 'sm']:
            state.show_or_muck_hole_cards(False, player_index(player))
        case _:
            raise Disagreement(f'unknown action {" ".join(words)!r}')


def main(paths):
    counts = {
        key: 0
        for key in (
            'side pots', 'side pots with 3+ levels', 'split pots',
            'short all-in raises', 'short all-in calls', 'all-ins', 'antes',
            'folds when checking was free', 'automatic checks for PokerKit',
            'odd-chip rule differences',
        )
    }
    hands = 0
    failures = []
    seat_counts = set()
    for path in paths:
        with open(path, 'rb') as f:
            tables = tomllib.load(f)
        for key, hand in tables.items():
            hands += 1
            seat_counts.add(len(hand['starting_stacks']))
            try:
                replay(hand, counts)
            except Disagreement as e:
                failures.append(
                    f'{path} [{key}] (seed {hand.get("_seed")}, hand'
                    f' {hand.get("_hand_index")}, players {hand.get("players")}):'
                    f' {e}'
                )
    for failure in failures[:50]:
        print('DISAGREEMENT', failure)
    detail = ', '.join(f'{v} {k}' for k, v in counts.items())
    seats = ','.join(map(str, sorted(seat_counts)))
    verdict = 'FAIL' if failures or hands == 0 else 'OK'
    print(
        f'pokerkit referee: {verdict}: {hands} hands replayed ({seats} seats),'
        f' {len(failures)} disagreements; {detail}'
    )
    return 1 if failures or hands == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
