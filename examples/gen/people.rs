//! People: names, contacts, radios and backups.

use std::collections::HashMap;

use crate::rng::Rng;

pub const FIRST: &[&str] = &[
    "Alice", "Bruno", "Chen", "Dana", "Elodie", "Farid", "Gaelle", "Hugo", "Ines", "Jonas",
    "Karima", "Louis", "Manon", "Nicolas", "Oceane", "Pierre", "Quentin", "Rania", "Samuel",
    "Thea", "Ugo", "Valentin", "Wassim", "Xavier", "Yasmine", "Zoe", "Amadou", "Beatrice",
    "Cedric", "Diane", "Emeric", "Fatou", "Gregoire", "Helene", "Ilyes", "Julie", "Kevin", "Laura",
    "Mehdi", "Nadia", "Olivier", "Pauline", "Romain", "Sofia", "Thomas", "Vincent", "Yann", "Lea",
];
pub const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "Francois",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clement",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
];

pub struct Person {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub radio: Option<String>,
    pub backup: Option<usize>,
    pub active: bool,
}
pub fn build_people(n: usize, rng: &mut Rng) -> Vec<Person> {
    let mut seen = HashMap::new();
    let mut people = Vec::with_capacity(n);
    for i in 0..n {
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let base = format!(
            "{}-{}",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase()
        );
        // Namesakes get -2, -3, ...: bases never end in a digit, so these stay unique.
        let count = seen.entry(base.clone()).or_insert(0usize);
        *count += 1;
        let id = if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        };
        // About one in thirty has left the plant; never the plant manager.
        let active = i == 0 || i % 30 != 17;
        people.push(Person {
            name: format!("{first} {last}"),
            phone: format!(
                "+33 6 {:02} {:02} {:02} {:02}",
                rng.below(100),
                rng.below(100),
                rng.below(100),
                rng.below(100)
            ),
            radio: rng.pct(60).then(|| format!("ch {}", rng.range(1, 16))),
            id,
            backup: None,
            active,
        });
    }
    people
}
