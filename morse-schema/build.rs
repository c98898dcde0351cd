fn main() {
    schema_def::build::embed_down_scripts("down", "down.rs");
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=test-data");
    println!("cargo:rerun-if-changed=catalog");
    println!("cargo:rerun-if-changed=checks");
}
