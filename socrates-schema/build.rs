fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=test-data");
    println!("cargo:rerun-if-changed=catalog");
    println!("cargo:rerun-if-changed=checks");
}
