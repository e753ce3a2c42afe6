int socm_cmd_retry(int argc, char **argv);
int socm_cmd_retry(int argc, char **argv) { (void)argc; (void)argv; return 2; }
