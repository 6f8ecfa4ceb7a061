//! `tracker.csv` and `positions.csv` against the run's own hand histories: every
//! hand of a 4-max and a 6-max run is written as PHH, the statistics are recomputed
//! here from the PHH text alone (the definitions of `src/stats.rs`, written again from
//! the action lists), and each count and opportunity must match the file exactly.

mod common;

use common::{arena, rows};
use std::collections::BTreeMap;
use std::path::Path;

/// One preflop or flop action of a PHH hand: the player (0-based, PHH order: small
/// blind first, the button last) and what they did.
#[derive(Clone, Copy, PartialEq)]
enum Act {
    Fold,
    CheckOrCall,
    Raise,
}

/// What one PHH hand holds that the statistics need.
struct Hand {
    players: Vec<String>,
    preflop: Vec<(usize, Act)>,
    flop: Vec<(usize, Act)>,
    saw_flop: bool,
    net: Vec<i64>,
}

fn list<T: std::str::FromStr>(line: &str) -> Vec<T> {
    let inner = line.split_once('[').unwrap().1.trim_end_matches(']');
    inner
        .split(',')
        .map(|x| x.trim().trim_matches('"'))
        .filter(|x| !x.is_empty())
        .map(|x| x.parse().ok().unwrap())
        .collect()
}

fn parse(phh: &str) -> Vec<Hand> {
    let mut hands = Vec::new();
    for block in phh.split("\n[").filter(|b| b.contains("actions")) {
        let (mut start, mut finish, mut players) = (vec![], vec![], vec![]);
        let (mut preflop, mut flop) = (vec![], vec![]);
        let mut boards = 0;
        for line in block.lines().map(str::trim) {
            if line.starts_with("starting_stacks") {
                start = list::<i64>(line);
            } else if line.starts_with("finishing_stacks") {
                finish = list::<i64>(line);
            } else if line.starts_with("players") {
                players = list::<String>(line);
            } else if line.starts_with("\"d db") {
                boards += 1;
            } else if let Some(a) = line.strip_prefix("\"p") {
                let a = a.trim_end_matches([',', '"']);
                let (p, what) = a.split_once(' ').unwrap();
                let p: usize = p.parse::<usize>().unwrap() - 1;
                let act = match what.split(' ').next().unwrap() {
                    "f" => Act::Fold,
                    "cc" => Act::CheckOrCall,
                    "cbr" => Act::Raise,
                    _ => continue, // "sm" (showing cards)
                };
                match boards {
                    0 => preflop.push((p, act)),
                    1 => flop.push((p, act)),
                    _ => {}
                }
            }
        }
        let net = finish.iter().zip(&start).map(|(f, s)| f - s).collect();
        hands.push(Hand {
            players,
            preflop,
            flop,
            saw_flop: boards >= 1,
            net,
        });
    }
    hands
}

/// Position names by PHH player index for `n` players (p1 the small blind, pN the
/// button; heads-up PokerKit reverses the blinds: p1 is the big blind and p2 the
/// button, who posts the small blind).
fn position_names(n: usize) -> Vec<&'static str> {
    match n {
        2 => vec!["BB", "BTN"],
        3 => vec!["SB", "BB", "BTN"],
        4 => vec!["SB", "BB", "CO", "BTN"],
        5 => vec!["SB", "BB", "HJ", "CO", "BTN"],
        6 => vec!["SB", "BB", "UTG", "HJ", "CO", "BTN"],
        _ => unreachable!("the test plays 2 to 6 players"),
    }
}

/// (statistic, player name) -> (times, opportunities), counted from the action lists.
fn recount(hands: &[Hand]) -> BTreeMap<(String, String), (u64, u64)> {
    let mut counts: BTreeMap<(String, String), (u64, u64)> = BTreeMap::new();
    for h in hands {
        let n = h.players.len();
        let names = position_names(n);
        let stealer = |p: usize| matches!(names[p], "CO" | "BTN" | "SB");
        let blind = |p: usize| matches!(names[p], "SB" | "BB");
        let mut add = |stat: &str, p: usize, took: bool| {
            let c = counts
                .entry((stat.to_string(), h.players[p].clone()))
                .or_default();
            c.0 += u64::from(took);
            c.1 += 1;
        };
        let pre = &h.preflop;
        let raises_before = |i: usize| pre[..i].iter().filter(|a| a.1 == Act::Raise).count();
        let first_raise = pre.iter().position(|a| a.1 == Act::Raise);
        #[allow(clippy::needless_range_loop)] // p is a player index into several lists
        for p in 0..n {
            let acts: Vec<usize> = (0..pre.len()).filter(|&i| pre[i].0 == p).collect();
            // A "cc" is voluntary unless it is the big blind checking its option.
            let checks_option = |i: usize| {
                names[p] == "BB" && pre[i].1 == Act::CheckOrCall && raises_before(i) == 0
            };
            add(
                "VPIP",
                p,
                acts.iter()
                    .any(|&i| pre[i].1 != Act::Fold && !checks_option(i)),
            );
            add("PFR", p, acts.iter().any(|&i| pre[i].1 == Act::Raise));
            let opener = first_raise.map(|r| pre[r].0);
            if let Some(&i) = acts
                .iter()
                .find(|&&i| raises_before(i) == 1 && opener != Some(p))
            {
                add("3-bet", p, pre[i].1 == Act::Raise);
            }
            if opener == Some(p)
                && let Some(&i) = acts.iter().find(|&&i| raises_before(i) == 2)
            {
                add("fold to 3-bet", p, pre[i].1 == Act::Fold);
            }
            if let Some(&i) = acts.first()
                && stealer(p)
                && pre[..i].iter().all(|a| a.1 == Act::Fold)
            {
                add("steal", p, pre[i].1 == Act::Raise);
            }
            if let Some(r) = first_raise
                && stealer(pre[r].0)
                && pre[..r].iter().all(|a| a.1 == Act::Fold)
                && blind(p)
                && p != pre[r].0
                && let Some(&i) = acts.iter().find(|&&i| i > r)
                && pre[r + 1..i].iter().all(|a| a.1 == Act::Fold)
            {
                add("fold to steal", p, pre[i].1 == Act::Fold);
            }
        }
        // The flop: the preflop aggressor's first action before any bet, then the
        // players facing the c-bet before a raise.
        let aggressor = pre.iter().rev().find(|a| a.1 == Act::Raise).map(|a| a.0);
        if let Some(agg) = aggressor
            && let Some(i) = h.flop.iter().position(|a| a.0 == agg)
            && h.flop[..i].iter().all(|a| a.1 != Act::Raise)
        {
            let cbet = h.flop[i].1 == Act::Raise;
            add("flop c-bet", agg, cbet);
            if cbet {
                let mut faced = vec![false; n];
                for a in &h.flop[i + 1..] {
                    if a.0 != agg && !faced[a.0] {
                        faced[a.0] = true;
                        add("fold to flop c-bet", a.0, a.1 == Act::Fold);
                    }
                    if a.1 == Act::Raise {
                        break;
                    }
                }
            }
        }
        let _ = h.saw_flop;
    }
    counts
}

/// Plays `bots` for `hands` hands with every hand written as PHH; returns the folder.
fn play(dir: &Path, bots: &str, hands: &str) -> std::path::PathBuf {
    let out = dir.join(bots.replace(',', "-"));
    arena()
        .args([
            "run",
            "--bots",
            bots,
            "--hands",
            hands,
            "--seed",
            "8",
            "--threads",
            "2",
        ])
        .args(["--history-every", "1", "--hand-histories"])
        .arg(out.join("h.phhs"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

fn check(out: &Path) {
    let hands = parse(&std::fs::read_to_string(out.join("h.phhs")).unwrap());
    assert!(hands.len() >= 2000, "{} hands", hands.len());
    let want = recount(&hands);
    let mut checked = 0;
    for row in rows(&out.join("tracker.csv")) {
        let key = (row["statistic"].clone(), row["bot"].clone());
        if matches!(key.0.as_str(), "WTSD" | "W$SD") {
            continue; // showdowns are checked elsewhere (tests/cli.rs)
        }
        let got: (u64, u64) = (
            row["times"].parse().unwrap(),
            row["opportunities"].parse().unwrap(),
        );
        assert_eq!(got, want.get(&key).copied().unwrap_or_default(), "{key:?}");
        checked += u64::from(got.1 > 0);
    }
    assert!(
        checked >= 12,
        "most statistics had opportunities ({checked})"
    );
    // positions.csv: hands and chips per bot and position, from the stacks.
    let mut by_position: BTreeMap<(String, String), (u64, i64)> = BTreeMap::new();
    for h in &hands {
        let names = position_names(h.players.len());
        for (p, name) in h.players.iter().enumerate() {
            let e = by_position
                .entry((name.clone(), names[p].to_string()))
                .or_default();
            e.0 += 1;
            e.1 += h.net[p];
        }
    }
    let got: BTreeMap<(String, String), (u64, i64)> = rows(&out.join("positions.csv"))
        .iter()
        .map(|r| {
            (
                (r["bot"].clone(), r["position"].clone()),
                (r["hands"].parse().unwrap(), r["net_chips"].parse().unwrap()),
            )
        })
        .collect();
    assert_eq!(got, by_position);
}

#[test]
fn tracker_statistics_match_a_recount_from_the_hand_histories_4_max() {
    let dir = tempfile::tempdir().unwrap();
    check(&play(dir.path(), "tag,tag_loose,random,call", "4000"));
}

#[test]
fn tracker_statistics_match_a_recount_from_the_hand_histories_6_max_and_heads_up() {
    let dir = tempfile::tempdir().unwrap();
    check(&play(
        dir.path(),
        "tag,tag_loose,random,tag,equity,tag_loose",
        "4000",
    ));
    check(&play(dir.path(), "tag,tag_loose", "4000"));
}
