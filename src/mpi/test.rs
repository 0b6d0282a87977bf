use super::{compose, fingerprint};

#[test]
fn one_message_when_every_rank_failed_the_same_way() {
    let same = vec![(0, "bad".to_string()), (1, "bad".to_string())];
    assert_eq!(compose(&same, 2), "bad");
}

#[test]
fn failed_ranks_are_named_when_not_all_failed() {
    let some = vec![(1, "bad".to_string()), (3, "bad".to_string())];
    assert_eq!(compose(&some, 4), "ranks 1, 3: bad");
    let mixed = vec![(0, "a".to_string()), (2, "b".to_string())];
    assert_eq!(compose(&mixed, 3), "rank 0: a; rank 2: b");
}

#[test]
fn fingerprint_tells_arguments_apart() {
    assert_eq!(fingerprint(&[1, 2, 3]), fingerprint(&[1, 2, 3]));
    assert_ne!(fingerprint(&[1, 2, 3]), fingerprint(&[1, 3, 2]));
    assert_ne!(fingerprint(&[2, 97, 0]), fingerprint(&[2, 97, 1]));
}
