// Build script.
//
// Catalog: turns the committed IAM data in `rules/catalog/*.json` (written by
// `tools/gen_catalog.py`) into Rust statics in `$OUT_DIR/catalog_data.rs` plus one
// string blob `$OUT_DIR/catalog_strings.txt`. Everything is a flat, sorted array
// of small integers, so nothing is parsed at run time. Strings are interned once
// and referenced by index; lists (resource types of an action, condition keys,
// dependent actions) are interned in one pool and referenced by offset. Names
// are found through open-addressing hash tables laid out here, with the hash
// function the catalog probes them with (`src/catalog/name_hash.rs`).

#[path = "src/catalog/name_hash.rs"]
mod name_hash;

fn main() {
    catalog_build::generate();
}

mod catalog_build {
    use super::name_hash::{eq_ci, first_slot, hash_ci};
    use serde_json::Value;
    use std::collections::HashMap;
    use std::fmt::Write as _;
    use std::fs;
    use std::path::{Path, PathBuf};

    const FILES: [&str; 9] = [
        "services.json",
        "chime.json",
        "global-condition-keys.json",
        "service-aliases.json",
        "retired.json",
        "cross-service.json",
        "undocumented-actions.json",
        "scoped-by-aws.json",
        "manifest.json",
    ];
    /// Hand-kept beside the generated catalog (rules/README.md).
    const UNDOCUMENTED: &str = "undocumented-services.json";

    fn lower(s: &str) -> String {
        s.to_ascii_lowercase()
    }

    fn read_json(dir: &Path, name: &str) -> Value {
        let p = dir.join(name);
        let text = fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!("cannot read {}: {e}; run `python3 tools/gen_catalog.py` to create it", p.display())
        });
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn as_str(v: &Value) -> &str {
        v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
    }

    fn as_arr(v: &Value) -> &[Value] {
        v.as_array().map(|a| a.as_slice()).unwrap_or_else(|| panic!("expected an array, got {v}"))
    }

    fn str_list(v: Option<&Value>) -> Vec<&str> {
        v.map(|v| as_arr(v).iter().map(as_str).collect()).unwrap_or_default()
    }

    /// Interned strings: id 0 is the empty string.
    struct Strings {
        ids: HashMap<String, u32>,
        all: Vec<String>,
    }

    impl Strings {
        fn new() -> Self {
            let mut s = Strings { ids: HashMap::new(), all: Vec::new() };
            s.id("");
            s
        }
        fn id(&mut self, s: &str) -> u32 {
            if let Some(&i) = self.ids.get(s) {
                return i;
            }
            let i = self.all.len() as u32;
            self.all.push(s.to_string());
            self.ids.insert(s.to_string(), i);
            i
        }
    }

    /// Interned lists in one pool: `pool[off]` is the length, the items follow.
    /// Offset 0 is the empty list.
    struct Lists {
        ids: HashMap<Vec<u32>, u32>,
        pool: Vec<u32>,
    }

    impl Lists {
        fn new() -> Self {
            Lists { ids: HashMap::new(), pool: vec![0] }
        }
        fn id(&mut self, items: Vec<u32>) -> u32 {
            if items.is_empty() {
                return 0;
            }
            if let Some(&i) = self.ids.get(&items) {
                return i;
            }
            let off = self.pool.len() as u32;
            self.pool.push(items.len() as u32);
            self.pool.extend_from_slice(&items);
            self.ids.insert(items, off);
            off
        }
    }

    fn uint_type(max: u64) -> &'static str {
        if max <= u8::MAX as u64 {
            "u8"
        } else if max <= u16::MAX as u64 {
            "u16"
        } else {
            "u32"
        }
    }

    fn emit_array(out: &mut String, name: &str, ty: &str, vals: &[u32]) {
        writeln!(out, "pub(super) static {name}: [{ty}; {}] = [", vals.len()).unwrap();
        for chunk in vals.chunks(32) {
            let line: Vec<String> = chunk.iter().map(|v| v.to_string()).collect();
            writeln!(out, "{},", line.join(",")).unwrap();
        }
        out.push_str("];\n");
    }

    /// Open-addressing table with linear probing for `keys` (seed, name): a
    /// slot holds the key's index + 1, 0 is empty. At least twice as many slots
    /// as keys keep probe runs short, and an empty slot always ends a run.
    fn hash_table(what: &str, keys: &[(u64, &str)]) -> Vec<u32> {
        let mask = (keys.len() * 2).next_power_of_two().max(16) - 1;
        let mut slots = vec![0u32; mask + 1];
        for (i, &(seed, name)) in keys.iter().enumerate() {
            let mut at = first_slot(hash_ci(seed, name.as_bytes()), mask);
            while slots[at] != 0 {
                let (s, n) = keys[slots[at] as usize - 1];
                assert!(s != seed || !eq_ci(n.as_bytes(), name.as_bytes()), "{what}: duplicate name {name} / {n}");
                at = (at + 1) & mask;
            }
            slots[at] = i as u32 + 1;
        }
        slots
    }

    struct ChimeExtra {
        api: u32,
        sdk_voice: bool,
        deprecated: u32,
    }

    pub fn generate() {
        let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
        let dir = manifest_dir.join("rules").join("catalog");
        println!("cargo:rerun-if-changed=build.rs");
        println!("cargo:rerun-if-changed=src/catalog/name_hash.rs");
        println!("cargo:rerun-if-changed={}", dir.display());
        for f in FILES {
            println!("cargo:rerun-if-changed={}", dir.join(f).display());
        }

        let services_doc = read_json(&dir, "services.json");
        let chime_doc = read_json(&dir, "chime.json");
        let global_doc = read_json(&dir, "global-condition-keys.json");
        let alias_doc = read_json(&dir, "service-aliases.json");
        let manifest = read_json(&dir, "manifest.json");
        let retired_doc = read_json(&dir, "retired.json");
        let cross_doc = read_json(&dir, "cross-service.json");
        let undoc_act_doc = read_json(&dir, "undocumented-actions.json");
        let scoped_doc = read_json(&dir, "scoped-by-aws.json");
        println!("cargo:rerun-if-changed={}", manifest_dir.join("rules").join(UNDOCUMENTED).display());
        let undocumented_doc = read_json(&manifest_dir.join("rules"), UNDOCUMENTED);

        let mut strs = Strings::new();
        let mut lists = Lists::new();
        let mut types: Vec<String> = Vec::new();
        let mut type_id = |t: &str| -> u32 {
            if let Some(i) = types.iter().position(|x| x == t) {
                i as u32
            } else {
                types.push(t.to_string());
                (types.len() - 1) as u32
            }
        };

        // Chime extras by exact action name.
        let mut extras: HashMap<String, ChimeExtra> = HashMap::new();
        if let Some(obj) = chime_doc.get("actions").and_then(|v| v.as_object()) {
            for (name, e) in obj {
                let api = e.get("api").and_then(|v| v.as_str()).unwrap_or("");
                let dep = e.get("deprecated").and_then(|v| v.as_str()).unwrap_or("");
                extras.insert(
                    name.clone(),
                    ChimeExtra {
                        api: strs.id(api),
                        sdk_voice: e.get("sdk_voice").and_then(|v| v.as_bool()) == Some(true),
                        deprecated: strs.id(dep),
                    },
                );
            }
        }

        let mut services: Vec<&Value> = as_arr(&services_doc["services"]).iter().collect();
        services.sort_by_key(|s| lower(as_str(&s["prefix"])));

        let mut svc_rows: Vec<[u32; 8]> = Vec::new();
        let (mut act_name, mut act_level, mut act_rt, mut act_ck, mut act_dep, mut act_x) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        let (mut rt_name, mut rt_arn, mut rt_ck) = (vec![], vec![], vec![]);
        let (mut ck_name, mut ck_type) = (vec![], vec![]);
        // chime extras: (api, sdk_voice, deprecated); row 0 = none
        let mut x_rows: Vec<[u32; 3]> = vec![[0, 0, 0]];
        let mut prefixes: Vec<String> = Vec::new();
        // Hash keys (seed, name): service prefixes, then actions and resource
        // types under their service's index.
        let mut svc_keys: Vec<(u64, &str)> = Vec::new();
        let mut act_keys: Vec<(u64, &str)> = Vec::new();
        let mut rt_keys: Vec<(u64, &str)> = Vec::new();
        // "prefix:action" (lowercase) -> action index, for the tables keyed by action.
        let mut act_index: HashMap<String, u32> = HashMap::new();

        for (si, s) in services.iter().enumerate() {
            let prefix = as_str(&s["prefix"]);
            assert!(!prefix.contains(':'), "{prefix}: ':' in a service prefix");
            prefixes.push(lower(prefix));
            svc_keys.push((0, prefix));
            let p_id = strs.id(prefix);
            let n_id = strs.id(s.get("name").and_then(|v| v.as_str()).unwrap_or(prefix));

            // Resource types, sorted case-insensitively.
            let mut rts: Vec<&Value> = as_arr(&s["resource_types"]).iter().collect();
            rts.sort_by_key(|r| lower(as_str(&r[0])));
            let r0 = rt_name.len() as u32;
            let mut rt_local: HashMap<String, u32> = HashMap::new();
            for (i, r) in rts.iter().enumerate() {
                let a = as_arr(r);
                rt_local.insert(as_str(&a[0]).to_string(), i as u32);
                rt_keys.push((si as u64, as_str(&a[0])));
                rt_name.push(strs.id(as_str(&a[0])));
                rt_arn.push(strs.id(as_str(&a[1])));
                let keys: Vec<u32> = str_list(a.get(2)).iter().map(|k| strs.id(k)).collect();
                rt_ck.push(lists.id(keys));
            }
            let r1 = rt_name.len() as u32;

            // Condition keys.
            let mut cks: Vec<&Value> = as_arr(&s["condition_keys"]).iter().collect();
            cks.sort_by_key(|c| lower(as_str(&c[0])));
            let c0 = ck_name.len() as u32;
            for c in &cks {
                let a = as_arr(c);
                let key = as_str(&a[0]);
                ck_name.push(strs.id(key));
                let templ = if key.contains("${") || key.contains('<') { 0x80 } else { 0 };
                ck_type.push(type_id(as_str(&a[1])) | templ);
            }
            let c1 = ck_name.len() as u32;

            // Actions.
            let mut acts: Vec<&Value> = as_arr(&s["actions"]).iter().collect();
            acts.sort_by_key(|a| lower(as_str(&a[0])));
            let a0 = act_name.len() as u32;
            for w in acts.windows(2) {
                let (x, y) = (as_str(&w[0][0]), as_str(&w[1][0]));
                assert!(!x.eq_ignore_ascii_case(y), "{prefix}: duplicate action {x} / {y}");
            }
            for a in &acts {
                let a = as_arr(a);
                let name = as_str(&a[0]);
                assert!(name.is_ascii(), "{prefix}:{name}: non-ASCII action name");
                let level = match as_str(&a[1]) {
                    "L" => 0,
                    "R" => 1,
                    "W" => 2,
                    "P" => 3,
                    "T" => 4,
                    other => panic!("{prefix}:{name}: unknown level code {other}"),
                };
                let mut rl = Vec::new();
                for r in str_list(a.get(2)) {
                    let (rn, req) = match r.strip_suffix('*') {
                        Some(n) => (n, 1),
                        None => (r, 0),
                    };
                    let li = *rt_local.get(rn).unwrap_or_else(|| panic!("{prefix}:{name}: unknown resource type {rn}"));
                    rl.push(li << 1 | req);
                }
                let keys: Vec<u32> = str_list(a.get(3)).iter().map(|k| strs.id(k)).collect();
                let deps: Vec<u32> = str_list(a.get(4)).iter().map(|k| strs.id(k)).collect();
                act_index.insert(lower(&format!("{prefix}:{name}")), act_name.len() as u32);
                act_name.push(strs.id(name));
                act_keys.push((si as u64, name));
                act_level.push(level);
                act_rt.push(lists.id(rl));
                act_ck.push(lists.id(keys));
                act_dep.push(lists.id(deps));
                let mut x = 0;
                if prefix == "chime" {
                    if let Some(e) = extras.remove(name) {
                        x = x_rows.len() as u32;
                        x_rows.push([e.api, e.sdk_voice as u32, e.deprecated]);
                    }
                }
                act_x.push(x);
            }
            let a1 = act_name.len() as u32;
            svc_rows.push([p_id, n_id, a0, a1, r0, r1, c0, c1]);
        }
        if !extras.is_empty() {
            let mut left: Vec<&String> = extras.keys().collect();
            left.sort();
            panic!("chime.json names unknown chime actions: {left:?}");
        }
        for w in prefixes.windows(2) {
            assert!(w[0] != w[1], "duplicate service prefix {}", w[0]);
        }

        // Global condition keys.
        let mut gk: Vec<(String, String)> = global_doc["keys"]
            .as_object()
            .expect("global-condition-keys.json: keys")
            .iter()
            .map(|(k, v)| (k.clone(), as_str(&as_arr(v)[0]).to_string()))
            .collect();
        gk.sort_by_key(|(k, _)| lower(k));
        let mut g_name = vec![];
        let mut g_type = vec![];
        for (k, t) in &gk {
            g_name.push(strs.id(k));
            let templ = if k.contains("${") { 0x80 } else { 0 };
            g_type.push(type_id(t) | templ);
        }

        // Aliases: normalized alias -> service index.
        let mut al: Vec<(String, String)> = alias_doc["aliases"]
            .as_object()
            .expect("service-aliases.json: aliases")
            .iter()
            .map(|(k, v)| (lower(k), lower(as_str(v))))
            .collect();
        al.sort();
        let mut al_key = vec![];
        let mut al_svc = vec![];
        for (k, v) in &al {
            if let Ok(i) = prefixes.binary_search(v) {
                al_key.push(strs.id(k));
                al_svc.push(i as u32);
            }
        }

        // Retired services and actions (retired.json): dates are few, so an
        // index into DATES; actions sorted by (service, name) for binary search.
        let mut dates: Vec<String> = Vec::new();
        let mut date_id = |d: &str| -> u32 {
            match dates.iter().position(|x| x == d) {
                Some(i) => i as u32,
                None => {
                    dates.push(d.to_string());
                    (dates.len() - 1) as u32
                }
            }
        };
        let mut rs: Vec<(String, String, String)> = retired_doc["services"]
            .as_object()
            .expect("retired.json: services")
            .iter()
            .map(|(k, v)| (lower(k), as_str(&as_arr(v)[0]).to_string(), as_str(&as_arr(v)[1]).to_string()))
            .collect();
        rs.sort();
        let (mut rs_prefix, mut rs_name, mut rs_date) = (vec![], vec![], vec![]);
        for (p, n, d) in &rs {
            assert!(prefixes.binary_search(p).is_err(), "retired service {p} is in the catalog");
            rs_prefix.push(strs.id(p));
            rs_name.push(strs.id(n));
            rs_date.push(date_id(d));
        }
        let mut ra: Vec<(u32, String, String, String)> = Vec::new();
        for (p, list) in retired_doc["actions"].as_object().expect("retired.json: actions") {
            let si = prefixes.binary_search(&lower(p)).unwrap_or_else(|_| panic!("retired.json: unknown service {p}"));
            for a in as_arr(list) {
                let (name, date) = (as_str(&as_arr(a)[0]), as_str(&as_arr(a)[1]));
                ra.push((si as u32, lower(name), name.to_string(), date.to_string()));
            }
        }
        ra.sort();
        let (mut ra_svc, mut ra_name, mut ra_date) = (vec![], vec![], vec![]);
        for (si, _, name, date) in &ra {
            ra_svc.push(*si);
            ra_name.push(strs.id(name));
            ra_date.push(date_id(date));
        }
        let mut undocumented: Vec<String> = undocumented_doc["services"]
            .as_object()
            .expect("undocumented-services.json: services")
            .keys()
            .map(|k| lower(k))
            .collect();
        undocumented.sort();
        for u in &undocumented {
            assert!(prefixes.binary_search(u).is_err(), "undocumented service {u} is in the catalog");
            assert!(rs.iter().all(|r| &r.0 != u), "undocumented service {u} is retired");
        }
        let undocumented: Vec<u32> = undocumented.iter().map(|u| strs.id(u)).collect();

        // Cross-service resources (cross-service.json): (service, ARN namespace), sorted.
        let mut cross: Vec<(u32, String)> = Vec::new();
        for (p, list) in cross_doc["services"].as_object().expect("cross-service.json: services") {
            let si =
                prefixes.binary_search(&lower(p)).unwrap_or_else(|_| panic!("cross-service.json: unknown service {p}"));
            cross.extend(as_arr(list).iter().map(|ns| (si as u32, lower(as_str(ns)))));
        }
        cross.sort();
        let cross_svc: Vec<u32> = cross.iter().map(|c| c.0).collect();
        let cross_ns: Vec<u32> = cross.iter().map(|c| strs.id(&c.1)).collect();

        // Actions of AWS managed policies that the reference never listed
        // (undocumented-actions.json): (service, lowercase name), sorted.
        let mut undoc_act: Vec<(u32, String, String)> = Vec::new();
        for (p, list) in undoc_act_doc["actions"].as_object().expect("undocumented-actions.json: actions") {
            let si = prefixes.binary_search(&lower(p)).unwrap_or_else(|_| panic!("undocumented-actions.json: {p}"));
            for a in as_arr(list) {
                let name = as_str(&as_arr(a)[0]);
                undoc_act.push((si as u32, lower(name), name.to_string()));
            }
        }
        undoc_act.sort();
        let undoc_svc: Vec<u32> = undoc_act.iter().map(|u| u.0).collect();
        let undoc_name: Vec<u32> = undoc_act.iter().map(|u| strs.id(&u.2)).collect();

        // Actions with no resource type that AWS managed policies scope to
        // ARNs (scoped-by-aws.json): (action index, list of ARN namespaces), sorted.
        let mut scoped: Vec<(u32, u32)> = Vec::new();
        for (p, list) in scoped_doc["actions"].as_object().expect("scoped-by-aws.json: actions") {
            for row in as_arr(list) {
                let row = as_arr(row);
                let name = format!("{p}:{}", as_str(&row[0]));
                let ai = *act_index.get(&lower(&name)).unwrap_or_else(|| panic!("scoped-by-aws.json: unknown {name}"));
                assert!(act_rt[ai as usize] == 0, "scoped-by-aws.json: {name} has resource types");
                let mut ns: Vec<String> =
                    str_list(row.get(1)).iter().map(|w| lower(w.split(':').next().unwrap())).collect();
                ns.dedup();
                scoped.push((ai, lists.id(ns.iter().map(|n| strs.id(n)).collect())));
            }
        }
        scoped.sort();
        let scoped_act: Vec<u32> = scoped.iter().map(|s| s.0).collect();
        let scoped_ns: Vec<u32> = scoped.iter().map(|s| s.1).collect();

        let svc_hash = hash_table("services", &svc_keys);
        let act_hash = hash_table("actions", &act_keys);
        let rt_hash = hash_table("resource types", &rt_keys);
        let slot = uint_type(act_keys.len().max(rt_keys.len()).max(svc_keys.len()) as u64 + 1);
        let slot = if slot == "u8" { "u16" } else { slot };

        let data_date = as_str(&manifest["data_date"]).to_string();
        let data_source = as_str(&manifest["source"]).to_string();
        assert!(types.len() < 0x80, "too many condition-key types");

        // Write the string blob and offsets.
        let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
        let mut blob = String::new();
        let mut offs = Vec::with_capacity(strs.all.len() + 1);
        for s in &strs.all {
            offs.push(blob.len() as u32);
            blob.push_str(s);
        }
        offs.push(blob.len() as u32);
        fs::write(out_dir.join("catalog_strings.txt"), &blob).unwrap();

        let sid = uint_type(strs.all.len() as u64);
        let sid = if sid == "u8" { "u16" } else { sid };
        let lid = uint_type(lists.pool.len() as u64);
        let lid = if lid == "u8" { "u16" } else { lid };
        let item = uint_type(*lists.pool.iter().max().unwrap_or(&0) as u64);
        let item = if item == "u8" { "u16" } else { item };

        let mut out = String::with_capacity(4 << 20);
        out.push_str("// @generated by build.rs from rules/catalog/*.json; do not edit.\n");
        writeln!(out, "pub(super) const DATA_DATE: &str = {data_date:?};").unwrap();
        writeln!(out, "pub(super) const DATA_SOURCE: &str = {data_source:?};").unwrap();
        writeln!(out, "pub(super) type Sid = {sid};").unwrap();
        writeln!(out, "pub(super) type Lid = {lid};").unwrap();
        writeln!(out, "pub(super) type Item = {item};").unwrap();
        writeln!(out, "pub(super) type Slot = {slot};").unwrap();
        out.push_str(
            "pub(super) static BLOB: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/catalog_strings.txt\"));\n",
        );
        emit_array(&mut out, "STR_OFF", "u32", &offs);
        emit_array(&mut out, "POOL", "Item", &lists.pool);
        writeln!(out, "pub(super) static SERVICES: [Service; {}] = [", svc_rows.len()).unwrap();
        assert!(svc_rows.len() <= u16::MAX as usize, "too many services");
        for (i, r) in svc_rows.iter().enumerate() {
            writeln!(
                out,
                "Service{{i:{i},p:{},n:{},a:({},{}),r:({},{}),c:({},{})}},",
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]
            )
            .unwrap();
        }
        out.push_str("];\n");
        emit_array(&mut out, "ACT_NAME", "Sid", &act_name);
        emit_array(&mut out, "ACT_LEVEL", "u8", &act_level);
        emit_array(&mut out, "ACT_RT", "Lid", &act_rt);
        emit_array(&mut out, "ACT_CK", "Lid", &act_ck);
        emit_array(&mut out, "ACT_DEP", "Lid", &act_dep);
        let xt = uint_type(x_rows.len() as u64);
        emit_array(&mut out, "ACT_X", xt, &act_x);
        let xs: Vec<u32> = x_rows.iter().map(|r| r[0]).collect();
        emit_array(&mut out, "X_API", "Sid", &xs);
        let xs: Vec<u32> = x_rows.iter().map(|r| r[1]).collect();
        emit_array(&mut out, "X_SDK_VOICE", "u8", &xs);
        let xs: Vec<u32> = x_rows.iter().map(|r| r[2]).collect();
        emit_array(&mut out, "X_DEPRECATED", "Sid", &xs);
        emit_array(&mut out, "RT_NAME", "Sid", &rt_name);
        emit_array(&mut out, "RT_ARN", "Sid", &rt_arn);
        emit_array(&mut out, "RT_CK", "Lid", &rt_ck);
        emit_array(&mut out, "CK_NAME", "Sid", &ck_name);
        emit_array(&mut out, "CK_TYPE", "u8", &ck_type);
        emit_array(&mut out, "GCK_NAME", "Sid", &g_name);
        emit_array(&mut out, "GCK_TYPE", "u8", &g_type);
        emit_array(&mut out, "ALIAS_KEY", "Sid", &al_key);
        emit_array(&mut out, "ALIAS_SVC", "u16", &al_svc);
        emit_array(&mut out, "SVC_HASH", "Slot", &svc_hash);
        emit_array(&mut out, "ACT_HASH", "Slot", &act_hash);
        emit_array(&mut out, "RT_HASH", "Slot", &rt_hash);
        writeln!(out, "pub(super) static TYPES: [&str; {}] = {:?};", types.len(), types).unwrap();
        writeln!(out, "pub(super) static DATES: [&str; {}] = {:?};", dates.len(), dates).unwrap();
        emit_array(&mut out, "RSVC_PREFIX", "Sid", &rs_prefix);
        emit_array(&mut out, "RSVC_NAME", "Sid", &rs_name);
        emit_array(&mut out, "RSVC_DATE", "u8", &rs_date);
        emit_array(&mut out, "RACT_SVC", "u16", &ra_svc);
        emit_array(&mut out, "RACT_NAME", "Sid", &ra_name);
        emit_array(&mut out, "RACT_DATE", "u8", &ra_date);
        emit_array(&mut out, "UNDOCUMENTED", "Sid", &undocumented);
        emit_array(&mut out, "CROSS_SVC", "u16", &cross_svc);
        emit_array(&mut out, "UNDOC_ACT_SVC", "u16", &undoc_svc);
        emit_array(&mut out, "UNDOC_ACT_NAME", "Sid", &undoc_name);
        emit_array(&mut out, "CROSS_NS", "Sid", &cross_ns);
        emit_array(&mut out, "SCOPED_ACT", "u32", &scoped_act);
        emit_array(&mut out, "SCOPED_NS", "Lid", &scoped_ns);

        let target = out_dir.join("catalog_data.rs");
        // Only rewrite when changed, to keep incremental builds quiet.
        if fs::read_to_string(&target).ok().as_deref() != Some(out.as_str()) {
            fs::write(&target, out).unwrap();
        }
    }
}
