//! The plant model that ties people, roles and systems together, built from the options.

use crate::Opts;
use crate::people::{Person, build_people};
use crate::rng::Rng;
use crate::roles::{FIXED_ROLES, Role, build_roles};
use crate::systems::{CORE_SYSTEMS, Core, Line, System, build_systems, plan_lines};

pub struct Plant {
    pub seed: u64,
    pub people: Vec<Person>,
    pub roles: Vec<Role>,
    pub systems: Vec<System>,
    pub core: Core,
    pub lines: Vec<Line>,
    pub id_width: usize,
    pub identities: usize,
    /// The `inventory` shape (see `inventory.rs`).
    pub inventory: bool,
}

impl Plant {
    pub fn sys(&self, i: usize) -> &str {
        &self.systems[i].id
    }
    pub fn role(&self, i: usize) -> &str {
        &self.roles[i].id
    }
    /// The first member of a role: the person named in `person:` levels.
    pub fn lead(&self, role: usize) -> &str {
        &self.people[self.roles[role].members[0]].id
    }
}

pub fn build_plant(o: &Opts) -> Plant {
    let mut rng = Rng::new(o.seed, 0);
    let mut people = build_people(o.people, &mut rng);
    // Lines are planned before roles: line engineering teams scale with them.
    let plan = plan_lines(o.systems, CORE_SYSTEMS, &mut Rng::new(o.seed, 1));
    let roles = build_roles(&mut people, plan.len(), &mut rng);
    let (systems, core, lines) = build_systems(&plan, roles.len() - FIXED_ROLES);
    Plant {
        seed: o.seed,
        people,
        roles,
        systems,
        core,
        lines,
        id_width: (o.identities.saturating_sub(1)).to_string().len().max(6),
        identities: o.identities,
        inventory: o.inventory,
    }
}
