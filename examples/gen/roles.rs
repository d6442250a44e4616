//! Roles: fixed plant roles and line engineering teams, members, on-call schedules.

use crate::people::Person;
use crate::rng::{Date, Rng};
use crate::yaml::flow_list;

/// Monday, where every rotation starts.
pub const ROTATION_START: &str = "2026-01-05";

/// Fixed roles, by index into `Plant::roles`; line engineering roles follow.
pub const PLANT_MANAGER: usize = 0;
pub const OT_MANAGER: usize = 1;
pub const IT_MANAGER: usize = 2;
pub const SAFETY_OFFICER: usize = 3;
pub const SECURITY_ONCALL: usize = 4;
pub const SHIFT_LEAD: usize = 5;
pub const OT_ENGINEERING: usize = 6;
pub const IT_ONCALL: usize = 7;
pub const VENDOR_MANAGER: usize = 8;
pub const FIXED_ROLES: usize = 9;

pub struct Role {
    pub id: String,
    pub name: String,
    pub function: &'static str,
    pub after: &'static str,
    pub escalates_to: Option<usize>,
    pub members: Vec<usize>,
    pub schedule: Option<String>,
}

/// Rotations, `only` windows, a fallback layer and a few overrides.
pub fn schedule_text(role: usize, members: &[String], rng: &mut Rng) -> Option<String> {
    let all = flow_list(members);
    let half = members.len().div_ceil(2);
    let (day_crew, night_crew) = if members.len() >= 2 {
        (flow_list(&members[..half]), flow_list(&members[half..]))
    } else {
        (all.clone(), all.clone())
    };
    let mut s = String::from("    schedule:\n      layers:\n");
    let layer = |s: &mut String, rotation: &str, shift: &str, hour: &str, only: Option<&str>| {
        s.push_str(&format!(
            "        - rotation: {rotation}\n          shift: {shift}\n          start: {ROTATION_START}T{hour}\n"
        ));
        if let Some(only) = only {
            s.push_str(&format!("          only: {only}\n"));
        }
    };
    const WEEKDAYS: &str = "[mon, tue, wed, thu, fri]";
    match role {
        SHIFT_LEAD => {
            // Three eight-hour shifts, around the clock.
            layer(&mut s, &all, "8h", "06:00", None);
        }
        SECURITY_ONCALL | IT_ONCALL => {
            let only = format!("{{ days: {WEEKDAYS}, from: \"08:00\", to: \"18:00\" }}");
            layer(&mut s, &day_crew, "1d", "08:00", Some(&only));
            layer(&mut s, &all, "7d", "08:00", None);
        }
        OT_ENGINEERING => {
            let day = format!("{{ days: {WEEKDAYS}, from: \"07:00\", to: \"19:00\" }}");
            let night = "{ from: \"19:00\", to: \"07:00\" }";
            layer(&mut s, &day_crew, "1d", "07:00", Some(&day));
            layer(&mut s, &night_crew, "7d", "19:00", Some(night));
            layer(&mut s, &all, "7d", "07:00", None);
        }
        SAFETY_OFFICER => {
            layer(&mut s, &all, "7d", "07:00", None);
        }
        r if r >= FIXED_ROLES => {
            if rng.pct(40) {
                return None;
            }
            let only = format!("{{ days: {WEEKDAYS}, from: \"06:00\", to: \"22:00\" }}");
            layer(&mut s, &all, "1d", "06:00", Some(&only));
            let weekend = "{ days: [fri], from: \"22:00\", to: \"06:00\" }";
            if rng.pct(50) {
                layer(&mut s, &night_crew, "7d", "22:00", Some(weekend));
            }
            layer(&mut s, &all, "7d", "06:00", None);
        }
        _ => return None,
    }
    if rng.pct(70) {
        s.push_str("      overrides:\n");
        let mut day = Date::today().plus(rng.range(0, 10) as i64);
        for _ in 0..rng.range(1, 3) {
            let person = rng.pick(members);
            let len = rng.range(1, 3) as i64;
            s.push_str(&format!(
                "        - {{ person: {person}, from: {day}T06:00, to: {}T06:00 }}\n",
                day.plus(len)
            ));
            day = day.plus(len + rng.range(2, 20) as i64);
        }
    }
    Some(s)
}

/// id, name, function, after, escalates_to, base size.
pub type RoleSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<usize>,
    usize,
);

pub fn build_roles(people: &mut [Person], lines: usize, rng: &mut Rng) -> Vec<Role> {
    let n = people.len();
    let active: Vec<usize> = (0..n).filter(|&i| people[i].active).collect();
    let eng_roles = lines.div_ceil(4).clamp(1, 60);
    let grow = (n / 40).min(20);
    let fixed: [RoleSpec; FIXED_ROLES] = [
        (
            "plant-manager",
            "Plant manager",
            "management",
            "30m",
            None,
            2,
        ),
        (
            "ot-manager",
            "OT manager",
            "management",
            "20m",
            Some(PLANT_MANAGER),
            2,
        ),
        (
            "it-manager",
            "IT manager",
            "management",
            "20m",
            Some(PLANT_MANAGER),
            2,
        ),
        (
            "safety-officer",
            "Safety officer (HSE)",
            "safety",
            "15m",
            Some(PLANT_MANAGER),
            3,
        ),
        (
            "security-oncall",
            "Security on-call",
            "security",
            "10m",
            Some(IT_MANAGER),
            4 + grow / 2,
        ),
        (
            "shift-lead",
            "OT shift lead",
            "ot",
            "10m",
            Some(OT_MANAGER),
            5 + grow,
        ),
        (
            "ot-engineering",
            "OT engineering",
            "ot",
            "15m",
            Some(OT_MANAGER),
            4 + grow,
        ),
        (
            "it-oncall",
            "IT on-call",
            "it",
            "15m",
            Some(IT_MANAGER),
            4 + grow / 2,
        ),
        (
            "vendor-manager",
            "Vendor and contracts manager",
            // Plant staff who manage vendors: `function: vendor` is for the
            // vendor's own people, who must not decide on their sessions.
            "management",
            "30m",
            Some(OT_MANAGER),
            2,
        ),
    ];
    let mut roles: Vec<Role> = fixed
        .iter()
        .map(|&(id, name, function, after, escalates_to, _)| Role {
            id: id.into(),
            name: name.into(),
            function,
            after,
            escalates_to,
            members: Vec::new(),
            schedule: None,
        })
        .collect();
    for k in 0..eng_roles {
        roles.push(Role {
            id: format!("line-eng-{:02}", k + 1),
            name: format!("Line engineering team {}", k + 1),
            function: "ot",
            after: "15m",
            escalates_to: Some(SHIFT_LEAD),
            members: Vec::new(),
            schedule: None,
        });
    }
    // Hand out active people in order, wrapping when the plant is small; the
    // plant manager (person 0) is only in their own role.
    let mut sizes: Vec<usize> = fixed.iter().map(|f| f.5).collect();
    let used: usize = sizes.iter().sum();
    let rest = active.len().saturating_sub(used).max(2 * eng_roles);
    sizes.extend(
        (0..eng_roles).map(|k| (rest / eng_roles + usize::from(k < rest % eng_roles)).max(2)),
    );
    let pool: Vec<usize> = active.iter().copied().filter(|&p| p != 0).collect();
    let mut next = 0;
    for (r, &size) in sizes.iter().enumerate() {
        let mut members = Vec::new();
        if r == PLANT_MANAGER {
            members.push(0);
        }
        let size = size.min(pool.len() + members.len());
        while members.len() < size {
            let p = pool[next % pool.len()];
            next += 1;
            if !members.contains(&p) {
                members.push(p);
            }
        }
        roles[r].members = members;
    }
    // Backups point to an earlier person, so they never form a cycle.
    for role in &roles {
        for w in role.members.windows(2) {
            let (before, after) = (w[0], w[1]);
            if before < after && people[after].backup.is_none() {
                people[after].backup = Some(before);
            }
        }
    }
    for (i, person) in people.iter_mut().enumerate().skip(1) {
        if person.backup.is_none() && (!person.active || rng.pct(50)) {
            // `active` is sorted: the first `earlier` entries come before `i`.
            let earlier = active.partition_point(|&p| p < i);
            if earlier > 0 {
                person.backup = Some(active[rng.below(earlier)]);
            }
        }
    }
    for (r, role) in roles.iter_mut().enumerate() {
        let names: Vec<String> = role.members.iter().map(|&p| people[p].id.clone()).collect();
        role.schedule = schedule_text(r, &names, rng);
    }
    roles
}
