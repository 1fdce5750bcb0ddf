# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_sso_secrets_global_optspecs
    string join \n vault= json read-only no-input lock-timeout= token-file= passphrase-file= remote= cacert= timeout= retries= insecure-http h/help V/version
end

function __fish_sso_secrets_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_sso_secrets_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_sso_secrets_using_subcommand
    set -l cmd (__fish_sso_secrets_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -s V -l version -d 'Print version'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "init" -d 'Create a vault protected by a new passphrase'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "get-sso" -d 'RFC 1. Get SSO Secret: print the secret of a user of an app'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "put-sso" -d 'RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "deactivate-sso" -d 'RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "remove-sso" -d 'RFC 4. Remove SSO Secret: erase it'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "put-did" -d 'RFC 5. Put DID Secret: store a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "get-did" -d 'RFC 6. Get DID Secret: print a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "delete-did" -d 'RFC 7. Delete DID Secret: erase a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "remove-did" -d 'RFC 7. Delete DID Secret: erase a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "serve" -d 'Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "list" -d 'List the entries the credential may see (never their values)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "import" -d 'Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "export" -d 'Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "exec" -d 'Run a command with secrets in its environment (never on its argv)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "inject" -d 'Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "did" -d 'Base58 helpers for DIDs (no vault needed)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "token" -d 'Access tokens: the RFC\'s Bearer tokens (need the passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "vault" -d 'Vault administration'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "audit" -d 'Read the audit trail (passphrase), verify it, or prune it'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "man" -d 'Print the man page, or install every page for `man sso-secrets`'
complete -c sso-secrets -n "__fish_sso_secrets_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l kdf-memory -d 'Argon2id memory in MiB (19 to 4096)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l kdf-iterations -d 'Argon2id iterations (2 to 64)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand init" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l user-id -d 'User id' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-sso" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l user-id -d 'User id' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l file -d 'Read the secret from this file (- or default: stdin, or a hidden prompt)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-sso" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l user-id -d 'User id' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand deactivate-sso" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l user-id -d 'User id' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-sso" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l file -d 'Read the secret from this file (- or default: stdin, or a hidden prompt)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand put-did" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand get-did" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand delete-did" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand remove-did" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l listen -d 'Address and port to listen on (port 0: any free port), or unix:PATH for a Unix socket (for a front on this host); not used when systemd passes a socket (LISTEN_FDS)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l socket-mode -d 'Permissions of the --listen unix: socket, in octal: 600 (this user only) or 660 (its group too, e.g. with the front\'s user in it); no bits for others' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l trusted-front -d 'Serve requests without Authorization from this peer (an IP address, or `unix` for the --listen unix: socket) with the token from --token-file or SSO_SECRETS_TOKEN, for the user in its user-id header (repeatable)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l tls-cert -d 'PEM certificate chain: serve HTTPS (needs --tls-key)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l tls-key -d 'PEM private key for --tls-cert' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l max-connections -d 'Connections served at once; more wait to be accepted' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l max-connections-per-peer -d 'Connections one client address (an IPv6 /64) may hold at once; more are closed at once and logged [default: half of --max-connections]' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l header-timeout -d 'Seconds a client may take to send a whole request, headers and body together from its first byte (then 408), or its TLS handshake; also how long an idle connection stays open' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l metrics-listen -d 'Serve /metrics on this address alone (plain HTTP, no token) instead of on --listen' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand serve" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand list" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l apihub -d 'Read an APIHub secrets folder (its external-volume/secrets) instead of JSON Lines' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l apihub-key-file -d 'APIHub\'s key, as in SSO_SECRETS_ENCRYPTION_KEY ("new,old" tries both), from the first line of PATH' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l dry-run -d 'Open the vault read-only and say what the import would store, overwrite, reactivate and (with --prune) remove, by name, never value; write nothing'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l prune -d 'Also remove the SSO secrets of each app, and the DID secrets of each name, that is a container of the folder but that the container no longer holds (same all-or-nothing write)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand import" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l apihub -d 'Write APIHub .secret files into DIR (created 0700) instead of JSON Lines; never overwrites' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l apihub-key-file -d 'APIHub\'s key, as in SSO_SECRETS_ENCRYPTION_KEY (the first is used), from the first line of PATH' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand export" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l sso -d 'Put the SSO secret of USER_ID of APP in variable VAR (repeatable)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l did -d 'Put the DID secret NAME of DID (base58 or did:… text) in variable VAR (repeatable)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -s i -l in-file -d 'Template to read (default or -: stdin)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -s o -l out-file -d 'File to write, 0600, replaced atomically (default or -: stdout)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand inject" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -f -a "encode" -d 'Print the base58 form of DID text'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -f -a "decode" -d 'Print the text of a base58 DID'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and not __fish_seen_subcommand_from encode decode help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from encode" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from decode" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from help" -f -a "encode" -d 'Print the base58 form of DID text'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from help" -f -a "decode" -d 'Print the text of a base58 DID'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand did; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "create" -d 'Issue an access token and print it once'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "list" -d 'List tokens: names, scopes, creation and expiry (never the tokens)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "revoke" -d 'Revoke a token and rotate the keys it could read'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and not __fish_seen_subcommand_from create list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l app -d 'Cover this app\'s SSO secrets (repeatable)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l did -d 'Cover this DID\'s DID secrets, base58 or did:… text (repeatable)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l expires-in -d 'Expire after this long: 30s, 15m, 12h, 7d, 1w, 2h30m (default: never)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l write -d 'Allow writes (tokens are read-only otherwise)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "create" -d 'Issue an access token and print it once'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tokens: names, scopes, creation and expiry (never the tokens)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a token and rotate the keys it could read'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "audit" -d 'Turn the audit trail on or off (passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "info" -d 'Show format version, KDF parameters, counts, read-only state, tokens'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "read-only" -d 'Set the vault read-only (every write answers 55) or writable again'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "passwd" -d 'Change the passphrase (and optionally the Argon2id cost)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "rotate" -d 'After a leak: renew every key, re-encrypt every secret, invalidate every token'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "check" -d 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "upgrade" -d 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "copy" -d 'Copy the whole vault, keys and tokens included, to another file or database'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and not __fish_seen_subcommand_from audit info read-only passwd rotate check upgrade copy help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from read-only" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l new-passphrase-file -d 'New passphrase from the first line of this file (default: prompt twice)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l kdf-memory -d 'New Argon2id memory in MiB, 19 to 4096 (default: keep)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l kdf-iterations -d 'New Argon2id iterations, 2 to 64 (default: keep)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l new-passphrase-file -d 'New passphrase from the first line of this file (default: keep the passphrase)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l repair -d 'Drop what the check reports (asks for confirmation)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l yes -d 'Do not ask for confirmation'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from upgrade" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l to -d 'Destination: a vault file path or a postgresql:// URL' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from copy" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "audit" -d 'Turn the audit trail on or off (passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "info" -d 'Show format version, KDF parameters, counts, read-only state, tokens'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "read-only" -d 'Set the vault read-only (every write answers 55) or writable again'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Change the passphrase (and optionally the Argon2id cost)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'After a leak: renew every key, re-encrypt every secret, invalidate every token'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "check" -d 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "upgrade" -d 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "copy" -d 'Copy the whole vault, keys and tokens included, to another file or database'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand vault; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l since -d 'Only records from the last DURATION (30m, 12h, 7d)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -f -a "verify" -d 'Check the trail\'s hash chain against the anchor the passphrase signed (exit 50 when it fails)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -f -a "prune" -d 'Drop the records older than DATE and anchor what remains (passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and not __fish_seen_subcommand_from verify prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l before -d 'A date (2026-01-01) or time (2026-01-01T12:00:00Z), UTC' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check the trail\'s hash chain against the anchor the passphrase signed (exit 50 when it fails)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Drop the records older than DATE and anchor what remains (passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand audit; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l install-dir -d 'Write every page into DIR/man1 (DIR is a directory of man\'s search path, e.g. ~/.local/share/man or /usr/local/share/man)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l vault -d 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l lock-timeout -d 'Seconds a writer waits for another writer before exit 75 "vault busy"' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l token-file -d 'Access token from the first line of this file (a leading "Bearer " is ignored)' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l passphrase-file -d 'Vault passphrase from the first line of this file' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l remote -d 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l cacert -d 'With --remote: trust this CA certificate (PEM) instead of the system\'s roots' -r -F
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l timeout -d 'With --remote: seconds each request may take, retries included' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l retries -d 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)' -r
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l json -d 'Success: one JSON object on stdout; failure: one JSON object on stderr'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l read-only -d 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l no-input -d 'Never prompt; what is missing fails instead'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -l insecure-http -d 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand man" -s h -l help -d 'Print help'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "init" -d 'Create a vault protected by a new passphrase'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "get-sso" -d 'RFC 1. Get SSO Secret: print the secret of a user of an app'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "put-sso" -d 'RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "deactivate-sso" -d 'RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "remove-sso" -d 'RFC 4. Remove SSO Secret: erase it'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "put-did" -d 'RFC 5. Put DID Secret: store a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "get-did" -d 'RFC 6. Get DID Secret: print a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "delete-did" -d 'RFC 7. Delete DID Secret: erase a named secret of a DID'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "serve" -d 'Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "list" -d 'List the entries the credential may see (never their values)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "import" -d 'Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "export" -d 'Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "exec" -d 'Run a command with secrets in its environment (never on its argv)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "inject" -d 'Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "did" -d 'Base58 helpers for DIDs (no vault needed)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "token" -d 'Access tokens: the RFC\'s Bearer tokens (need the passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "vault" -d 'Vault administration'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "audit" -d 'Read the audit trail (passphrase), verify it, or prune it'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "man" -d 'Print the man page, or install every page for `man sso-secrets`'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and not __fish_seen_subcommand_from init get-sso put-sso deactivate-sso remove-sso put-did get-did delete-did serve list import export exec inject did token vault audit completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from did" -f -a "encode" -d 'Print the base58 form of DID text'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from did" -f -a "decode" -d 'Print the text of a base58 DID'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "create" -d 'Issue an access token and print it once'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List tokens: names, scopes, creation and expiry (never the tokens)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke a token and rotate the keys it could read'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "audit" -d 'Turn the audit trail on or off (passphrase)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "info" -d 'Show format version, KDF parameters, counts, read-only state, tokens'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "read-only" -d 'Set the vault read-only (every write answers 55) or writable again'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "passwd" -d 'Change the passphrase (and optionally the Argon2id cost)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "rotate" -d 'After a leak: renew every key, re-encrypt every secret, invalidate every token'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "check" -d 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "upgrade" -d 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from vault" -f -a "copy" -d 'Copy the whole vault, keys and tokens included, to another file or database'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "verify" -d 'Check the trail\'s hash chain against the anchor the passphrase signed (exit 50 when it fails)'
complete -c sso-secrets -n "__fish_sso_secrets_using_subcommand help; and __fish_seen_subcommand_from audit" -f -a "prune" -d 'Drop the records older than DATE and anchor what remains (passphrase)'
