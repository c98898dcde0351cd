//! Analysis of the legacy category tree: orphans, self-parents, cycles, and a
//! parent-before-child order for the load.
//!
//! Input is a list of `(id, parent)` pairs. A parent of `None` or `Some(p)` with
//! `p <= 0` means "root" (legacy uses NULL and 0; the transform treats
//! negatives the same way). Everything is iterative, so a chain of any length
//! is fine.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;

/// Something that makes the category set not a forest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `parent` is not among the ids.
    Orphan { id: i32, parent: i32 },
    /// The category is its own parent.
    SelfParent { id: i32 },
    /// Following parents from `path[0]` comes back to it; the first id is the
    /// smallest in the cycle and is repeated at the end, e.g. `[5, 7, 5]`.
    Cycle { path: Vec<i32> },
    /// The same id appears more than once in the input.
    DuplicateId { id: i32 },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Orphan { id, parent } => {
                write!(f, "category {id} has parent {parent}, which does not exist")
            }
            Problem::SelfParent { id } => write!(f, "category {id} is its own parent"),
            Problem::Cycle { path } => {
                let ids: Vec<String> = path.iter().map(i32::to_string).collect();
                write!(f, "category {} forms a cycle", ids.join(" → "))
            }
            Problem::DuplicateId { id } => write!(f, "category {id} appears more than once"),
        }
    }
}

/// The parent of a node, with the "root" encodings folded into `None`.
fn parent_of(parent: Option<i32>) -> Option<i32> {
    parent.filter(|&p| p > 0)
}

/// Index of each id (first occurrence), plus the duplicates found.
fn index(nodes: &[(i32, Option<i32>)]) -> (HashMap<i32, usize>, Vec<Problem>) {
    let mut at = HashMap::with_capacity(nodes.len());
    let mut problems = Vec::new();
    for (i, &(id, _)) in nodes.iter().enumerate() {
        match at.entry(id) {
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
            Entry::Occupied(_) => {
                let problem = Problem::DuplicateId { id };
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
    }
    (at, problems)
}

/// The parent index of node `i`, or None if it is a root or its parent link is
/// broken (orphan or self-parent; those are reported separately).
fn parent_index(nodes: &[(i32, Option<i32>)], at: &HashMap<i32, usize>, i: usize) -> Option<usize> {
    let (id, parent) = nodes[i];
    let p = parent_of(parent)?;
    if p == id {
        return None;
    }
    at.get(&p).copied()
}

/// Every problem of the tree: duplicate ids, orphans and self-parents in input
/// order, then each cycle once (whichever member it was entered from). Nodes
/// that only hang below a cycle or an orphan are not reported themselves.
pub fn check(nodes: &[(i32, Option<i32>)]) -> Vec<Problem> {
    let (at, mut problems) = index(nodes);
    for &(id, parent) in nodes {
        match parent_of(parent) {
            Some(p) if p == id => problems.push(Problem::SelfParent { id }),
            Some(p) if !at.contains_key(&p) => problems.push(Problem::Orphan { id, parent: p }),
            _ => {}
        }
    }
    problems.extend(cycles(nodes, &at));
    problems
}

/// The cycles of the parent graph, each once, rotated to start at its smallest id.
fn cycles(nodes: &[(i32, Option<i32>)], at: &HashMap<i32, usize>) -> Vec<Problem> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; nodes.len()];
    let mut found = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    for start in 0..nodes.len() {
        // Walk up from `start` until a root, a broken link, or a known node.
        // Each node has one parent, so at most one cycle can be met per walk.
        let mut cur = Some(start);
        while let Some(i) = cur {
            match state[i] {
                NEW => {
                    state[i] = ON_PATH;
                    path.push(i);
                    cur = parent_index(nodes, at, i);
                }
                ON_PATH => {
                    let from = path.iter().position(|&j| j == i).expect("on the path");
                    found.push(cycle_problem(nodes, &path[from..]));
                    cur = None;
                }
                _ => cur = None,
            }
        }
        for i in path.drain(..) {
            state[i] = DONE;
        }
    }
    found
}

/// A cycle given child-to-parent, as ids starting and ending at the smallest.
fn cycle_problem(nodes: &[(i32, Option<i32>)], members: &[usize]) -> Problem {
    let ids: Vec<i32> = members.iter().map(|&i| nodes[i].0).collect();
    let min = (0..ids.len()).min_by_key(|&k| ids[k]).unwrap_or(0);
    let mut path: Vec<i32> = ids[min..].iter().chain(&ids[..min]).copied().collect();
    path.push(ids[min]);
    Problem::Cycle { path }
}

/// Depth of every node (a root has depth 1), in input order, or the problems.
pub fn depths(nodes: &[(i32, Option<i32>)]) -> Result<Vec<(i32, usize)>, Vec<Problem>> {
    let problems = check(nodes);
    if !problems.is_empty() {
        return Err(problems);
    }
    let (at, _) = index(nodes);
    let mut depth = vec![0usize; nodes.len()];
    let mut chain = Vec::new();
    for start in 0..nodes.len() {
        // Climb to the first node whose depth is known (or a root), then fill
        // the chain back down. No cycles here, so the climb ends.
        let mut cur = Some(start);
        while let Some(i) = cur {
            if depth[i] != 0 {
                break;
            }
            chain.push(i);
            cur = parent_index(nodes, &at, i);
        }
        let mut d = cur.map_or(0, |i| depth[i]);
        while let Some(i) = chain.pop() {
            d += 1;
            depth[i] = d;
        }
    }
    Ok(nodes
        .iter()
        .zip(depth)
        .map(|(&(id, _), d)| (id, d))
        .collect())
}

/// The deepest level (1 for a flat list of roots, 0 for no nodes), or the problems.
pub fn max_depth(nodes: &[(i32, Option<i32>)]) -> Result<usize, Vec<Problem>> {
    Ok(depths(nodes)?
        .into_iter()
        .map(|(_, d)| d)
        .max()
        .unwrap_or(0))
}

/// An order in which every parent comes before its children: all roots in
/// input order, then all their children in input order, level by level.
/// Fails with every problem if the input is not a forest.
pub fn parent_first_order(nodes: &[(i32, Option<i32>)]) -> Result<Vec<i32>, Vec<Problem>> {
    let mut by_depth = depths(nodes)?;
    // A stable sort keeps input order within a level.
    by_depth.sort_by_key(|&(_, d)| d);
    Ok(by_depth.into_iter().map(|(id, _)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(order: &[i32], id: i32) -> usize {
        order.iter().position(|&x| x == id).unwrap()
    }

    /// Asserts that every parent in `nodes` precedes its child in `order`.
    fn assert_parent_first(nodes: &[(i32, Option<i32>)], order: &[i32]) {
        assert_eq!(order.len(), nodes.len());
        for &(id, parent) in nodes {
            if let Some(p) = parent_of(parent) {
                assert!(
                    pos(order, p) < pos(order, id),
                    "{p} before {id} in {order:?}"
                );
            }
        }
    }

    #[test]
    fn a_clean_forest_has_no_problems() {
        let nodes = [(1, None), (2, Some(1)), (3, Some(0)), (4, Some(2))];
        assert!(check(&nodes).is_empty());
        assert!(check(&[]).is_empty());
    }

    #[test]
    fn orphan_is_reported_with_its_missing_parent() {
        let nodes = [(1, None), (12, Some(999)), (13, Some(12))];
        let problems = check(&nodes);
        assert_eq!(
            problems,
            vec![Problem::Orphan {
                id: 12,
                parent: 999
            }]
        );
        assert_eq!(
            problems[0].to_string(),
            "category 12 has parent 999, which does not exist"
        );
        assert_eq!(parent_first_order(&nodes), Err(problems));
    }

    #[test]
    fn self_parent_is_reported_once_and_not_as_a_cycle() {
        let nodes = [(3, Some(3)), (4, Some(3))];
        let problems = check(&nodes);
        assert_eq!(problems, vec![Problem::SelfParent { id: 3 }]);
        assert_eq!(problems[0].to_string(), "category 3 is its own parent");
    }

    #[test]
    fn two_cycle_is_reported_once_from_any_entry_point() {
        for nodes in [[(7, Some(5)), (5, Some(7))], [(5, Some(7)), (7, Some(5))]] {
            let problems = check(&nodes);
            assert_eq!(
                problems,
                vec![Problem::Cycle {
                    path: vec![5, 7, 5]
                }]
            );
            assert_eq!(problems[0].to_string(), "category 5 → 7 → 5 forms a cycle");
        }
    }

    #[test]
    fn three_cycle_with_a_tail_is_one_problem() {
        // 10 → 11 → 12 → 10 is the cycle; 20 and 21 hang below it.
        let nodes = [
            (21, Some(20)),
            (20, Some(11)),
            (11, Some(12)),
            (12, Some(10)),
            (10, Some(11)),
            (1, None),
        ];
        let problems = check(&nodes);
        assert_eq!(
            problems,
            vec![Problem::Cycle {
                path: vec![10, 11, 12, 10]
            }]
        );
        assert!(parent_first_order(&nodes).is_err());
        assert!(max_depth(&nodes).is_err());
    }

    #[test]
    fn several_problems_are_all_reported() {
        let nodes = [
            (1, Some(2)),
            (2, Some(1)),
            (3, Some(3)),
            (4, Some(40)),
            (5, Some(6)),
            (6, Some(5)),
        ];
        let problems = check(&nodes);
        assert_eq!(
            problems,
            vec![
                Problem::SelfParent { id: 3 },
                Problem::Orphan { id: 4, parent: 40 },
                Problem::Cycle {
                    path: vec![1, 2, 1]
                },
                Problem::Cycle {
                    path: vec![5, 6, 5]
                },
            ]
        );
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let problems = check(&[(1, None), (2, Some(1)), (1, None), (1, Some(2))]);
        assert_eq!(problems, vec![Problem::DuplicateId { id: 1 }]);
        assert_eq!(problems[0].to_string(), "category 1 appears more than once");
    }

    #[test]
    fn deep_chain_of_ten_thousand_does_not_overflow() {
        // Listed leaf first, so every parent comes later in the input.
        let n = 10_000;
        let nodes: Vec<(i32, Option<i32>)> = (1..=n)
            .rev()
            .map(|id| (id, if id == 1 { None } else { Some(id - 1) }))
            .collect();
        assert!(check(&nodes).is_empty());
        let order = parent_first_order(&nodes).unwrap();
        assert_eq!(order, (1..=n).collect::<Vec<_>>());
        assert_eq!(max_depth(&nodes), Ok(n as usize));

        // The same chain closed into a ring is one cycle.
        let mut ring = nodes.clone();
        ring.last_mut().unwrap().1 = Some(n);
        let problems = check(&ring);
        assert_eq!(problems.len(), 1);
        match &problems[0] {
            Problem::Cycle { path } => {
                assert_eq!(path.len(), n as usize + 1);
                assert_eq!((path[0], path[path.len() - 1]), (1, 1));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn children_with_lower_ids_than_parents_come_after_them() {
        let nodes = [
            (2, Some(50)),
            (1, Some(50)),
            (50, Some(90)),
            (90, None),
            (3, Some(0)),
            (4, Some(3)),
        ];
        let order = parent_first_order(&nodes).unwrap();
        assert_parent_first(&nodes, &order);
        // Roots in input order, then each level in input order.
        assert_eq!(order, vec![90, 3, 50, 4, 2, 1]);
    }

    #[test]
    fn order_is_stable_and_roots_keep_input_order() {
        let nodes = [
            (5, None),
            (3, None),
            (9, Some(5)),
            (8, Some(3)),
            (7, Some(5)),
        ];
        assert_eq!(parent_first_order(&nodes).unwrap(), vec![5, 3, 9, 8, 7]);
        assert_eq!(parent_first_order(&[]).unwrap(), Vec::<i32>::new());
    }

    #[test]
    fn depths_count_levels_from_one() {
        let nodes = [
            (1, None),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(-1)),
            (5, Some(1)),
        ];
        assert_eq!(
            depths(&nodes).unwrap(),
            vec![(1, 1), (2, 2), (3, 3), (4, 1), (5, 2)]
        );
        assert_eq!(max_depth(&nodes), Ok(3));
        assert_eq!(max_depth(&[]), Ok(0));
    }
}
