//! Generates the hand evaluator's lookup tables into `$OUT_DIR/eval_tables.rs`
//! (included by `src/eval/mod.rs`). The generator and its self-checks (7,462 classes,
//! per-category class counts, collision-free rank keys and perfect hash) live in
//! `src/eval/table_gen.rs`, which the unit tests also compile.

#[path = "src/eval/table_gen.rs"]
#[allow(dead_code)]
mod table_gen;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/eval/table_gen.rs");
    let tables = table_gen::generate();
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("eval_tables.rs"), table_gen::to_rust(&tables))
        .expect("write eval_tables.rs");
}
