
use builtin;
use str;

set edit:completion:arg-completer[sso-secrets] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'sso-secrets'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'sso-secrets'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Create a vault protected by a new passphrase'
            cand get-sso 'RFC 1. Get SSO Secret: print the secret of a user of an app'
            cand put-sso 'RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app'
            cand deactivate-sso 'RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso'
            cand remove-sso 'RFC 4. Remove SSO Secret: erase it'
            cand put-did 'RFC 5. Put DID Secret: store a named secret of a DID'
            cand get-did 'RFC 6. Get DID Secret: print a named secret of a DID'
            cand delete-did 'RFC 7. Delete DID Secret: erase a named secret of a DID'
            cand remove-did 'RFC 7. Delete DID Secret: erase a named secret of a DID'
            cand serve 'Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)'
            cand list 'List the entries the credential may see (never their values)'
            cand import 'Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)'
            cand export 'Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)'
            cand exec 'Run a command with secrets in its environment (never on its argv)'
            cand inject 'Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in'
            cand did 'Base58 helpers for DIDs (no vault needed)'
            cand token 'Access tokens: the RFC''s Bearer tokens (need the passphrase)'
            cand vault 'Vault administration'
            cand audit 'Read the audit trail (passphrase), verify it, or prune it'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page, or install every page for `man sso-secrets`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;init'= {
            cand --kdf-memory 'Argon2id memory in MiB (19 to 4096)'
            cand --kdf-iterations 'Argon2id iterations (2 to 64)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;get-sso'= {
            cand --user-id 'User id'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;put-sso'= {
            cand --user-id 'User id'
            cand --file 'Read the secret from this file (- or default: stdin, or a hidden prompt)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;deactivate-sso'= {
            cand --user-id 'User id'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;remove-sso'= {
            cand --user-id 'User id'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;put-did'= {
            cand --file 'Read the secret from this file (- or default: stdin, or a hidden prompt)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;get-did'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;delete-did'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;remove-did'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;serve'= {
            cand --listen 'Address and port to listen on (port 0: any free port), or unix:PATH for a Unix socket (for a front on this host); not used when systemd passes a socket (LISTEN_FDS)'
            cand --socket-mode 'Permissions of the --listen unix: socket, in octal: 600 (this user only) or 660 (its group too, e.g. with the front''s user in it); no bits for others'
            cand --trusted-front 'Serve requests without Authorization from this peer (an IP address, or `unix` for the --listen unix: socket) with the token from --token-file or SSO_SECRETS_TOKEN, for the user in its user-id header (repeatable)'
            cand --tls-cert 'PEM certificate chain: serve HTTPS (needs --tls-key)'
            cand --tls-key 'PEM private key for --tls-cert'
            cand --max-connections 'Connections served at once; more wait to be accepted'
            cand --max-connections-per-peer 'Connections one client address (an IPv6 /64) may hold at once; more are closed at once and logged [default: half of --max-connections]'
            cand --header-timeout 'Seconds a client may take to send a whole request, headers and body together from its first byte (then 408), or its TLS handshake; also how long an idle connection stays open'
            cand --metrics-listen 'Serve /metrics on this address alone (plain HTTP, no token) instead of on --listen'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;list'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;import'= {
            cand --apihub 'Read an APIHub secrets folder (its external-volume/secrets) instead of JSON Lines'
            cand --apihub-key-file 'APIHub''s key, as in SSO_SECRETS_ENCRYPTION_KEY ("new,old" tries both), from the first line of PATH'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --dry-run 'Open the vault read-only and say what the import would store, overwrite, reactivate and (with --prune) remove, by name, never value; write nothing'
            cand --prune 'Also remove the SSO secrets of each app, and the DID secrets of each name, that is a container of the folder but that the container no longer holds (same all-or-nothing write)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;export'= {
            cand --apihub 'Write APIHub .secret files into DIR (created 0700) instead of JSON Lines; never overwrites'
            cand --apihub-key-file 'APIHub''s key, as in SSO_SECRETS_ENCRYPTION_KEY (the first is used), from the first line of PATH'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;exec'= {
            cand --sso 'Put the SSO secret of USER_ID of APP in variable VAR (repeatable)'
            cand --did 'Put the DID secret NAME of DID (base58 or did:… text) in variable VAR (repeatable)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-secrets;inject'= {
            cand -i 'Template to read (default or -: stdin)'
            cand --in-file 'Template to read (default or -: stdin)'
            cand -o 'File to write, 0600, replaced atomically (default or -: stdout)'
            cand --out-file 'File to write, 0600, replaced atomically (default or -: stdout)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-secrets;did'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
            cand encode 'Print the base58 form of DID text'
            cand decode 'Print the text of a base58 DID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;did;encode'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;did;decode'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;did;help'= {
            cand encode 'Print the base58 form of DID text'
            cand decode 'Print the text of a base58 DID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;did;help;encode'= {
        }
        &'sso-secrets;did;help;decode'= {
        }
        &'sso-secrets;did;help;help'= {
        }
        &'sso-secrets;token'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
            cand create 'Issue an access token and print it once'
            cand list 'List tokens: names, scopes, creation and expiry (never the tokens)'
            cand revoke 'Revoke a token and rotate the keys it could read'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;token;create'= {
            cand --app 'Cover this app''s SSO secrets (repeatable)'
            cand --did 'Cover this DID''s DID secrets, base58 or did:… text (repeatable)'
            cand --expires-in 'Expire after this long: 30s, 15m, 12h, 7d, 1w, 2h30m (default: never)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --write 'Allow writes (tokens are read-only otherwise)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;token;list'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;token;revoke'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;token;help'= {
            cand create 'Issue an access token and print it once'
            cand list 'List tokens: names, scopes, creation and expiry (never the tokens)'
            cand revoke 'Revoke a token and rotate the keys it could read'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;token;help;create'= {
        }
        &'sso-secrets;token;help;list'= {
        }
        &'sso-secrets;token;help;revoke'= {
        }
        &'sso-secrets;token;help;help'= {
        }
        &'sso-secrets;vault'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
            cand audit 'Turn the audit trail on or off (passphrase)'
            cand info 'Show format version, KDF parameters, counts, read-only state, tokens'
            cand read-only 'Set the vault read-only (every write answers 55) or writable again'
            cand passwd 'Change the passphrase (and optionally the Argon2id cost)'
            cand rotate 'After a leak: renew every key, re-encrypt every secret, invalidate every token'
            cand check 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them'
            cand upgrade 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)'
            cand copy 'Copy the whole vault, keys and tokens included, to another file or database'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;vault;audit'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-secrets;vault;info'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;vault;read-only'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-secrets;vault;passwd'= {
            cand --new-passphrase-file 'New passphrase from the first line of this file (default: prompt twice)'
            cand --kdf-memory 'New Argon2id memory in MiB, 19 to 4096 (default: keep)'
            cand --kdf-iterations 'New Argon2id iterations, 2 to 64 (default: keep)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;vault;rotate'= {
            cand --new-passphrase-file 'New passphrase from the first line of this file (default: keep the passphrase)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;vault;check'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --repair 'Drop what the check reports (asks for confirmation)'
            cand --yes 'Do not ask for confirmation'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;vault;upgrade'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;vault;copy'= {
            cand --to 'Destination: a vault file path or a postgresql:// URL'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;vault;help'= {
            cand audit 'Turn the audit trail on or off (passphrase)'
            cand info 'Show format version, KDF parameters, counts, read-only state, tokens'
            cand read-only 'Set the vault read-only (every write answers 55) or writable again'
            cand passwd 'Change the passphrase (and optionally the Argon2id cost)'
            cand rotate 'After a leak: renew every key, re-encrypt every secret, invalidate every token'
            cand check 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them'
            cand upgrade 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)'
            cand copy 'Copy the whole vault, keys and tokens included, to another file or database'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;vault;help;audit'= {
        }
        &'sso-secrets;vault;help;info'= {
        }
        &'sso-secrets;vault;help;read-only'= {
        }
        &'sso-secrets;vault;help;passwd'= {
        }
        &'sso-secrets;vault;help;rotate'= {
        }
        &'sso-secrets;vault;help;check'= {
        }
        &'sso-secrets;vault;help;upgrade'= {
        }
        &'sso-secrets;vault;help;copy'= {
        }
        &'sso-secrets;vault;help;help'= {
        }
        &'sso-secrets;audit'= {
            cand --since 'Only records from the last DURATION (30m, 12h, 7d)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
            cand verify 'Check the trail''s hash chain against the anchor the passphrase signed (exit 50 when it fails)'
            cand prune 'Drop the records older than DATE and anchor what remains (passphrase)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;audit;verify'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;audit;prune'= {
            cand --before 'A date (2026-01-01) or time (2026-01-01T12:00:00Z), UTC'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;audit;help'= {
            cand verify 'Check the trail''s hash chain against the anchor the passphrase signed (exit 50 when it fails)'
            cand prune 'Drop the records older than DATE and anchor what remains (passphrase)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;audit;help;verify'= {
        }
        &'sso-secrets;audit;help;prune'= {
        }
        &'sso-secrets;audit;help;help'= {
        }
        &'sso-secrets;completions'= {
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'sso-secrets;man'= {
            cand --install-dir 'Write every page into DIR/man1 (DIR is a directory of man''s search path, e.g. ~/.local/share/man or /usr/local/share/man)'
            cand --vault 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]'
            cand --lock-timeout 'Seconds a writer waits for another writer before exit 75 "vault busy"'
            cand --token-file 'Access token from the first line of this file (a leading "Bearer " is ignored)'
            cand --passphrase-file 'Vault passphrase from the first line of this file'
            cand --remote 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)'
            cand --cacert 'With --remote: trust this CA certificate (PEM) instead of the system''s roots'
            cand --timeout 'With --remote: seconds each request may take, retries included'
            cand --retries 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)'
            cand --json 'Success: one JSON object on stdout; failure: one JSON object on stderr'
            cand --read-only 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)'
            cand --no-input 'Never prompt; what is missing fails instead'
            cand --insecure-http 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'sso-secrets;help'= {
            cand init 'Create a vault protected by a new passphrase'
            cand get-sso 'RFC 1. Get SSO Secret: print the secret of a user of an app'
            cand put-sso 'RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app'
            cand deactivate-sso 'RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso'
            cand remove-sso 'RFC 4. Remove SSO Secret: erase it'
            cand put-did 'RFC 5. Put DID Secret: store a named secret of a DID'
            cand get-did 'RFC 6. Get DID Secret: print a named secret of a DID'
            cand delete-did 'RFC 7. Delete DID Secret: erase a named secret of a DID'
            cand serve 'Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)'
            cand list 'List the entries the credential may see (never their values)'
            cand import 'Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)'
            cand export 'Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)'
            cand exec 'Run a command with secrets in its environment (never on its argv)'
            cand inject 'Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in'
            cand did 'Base58 helpers for DIDs (no vault needed)'
            cand token 'Access tokens: the RFC''s Bearer tokens (need the passphrase)'
            cand vault 'Vault administration'
            cand audit 'Read the audit trail (passphrase), verify it, or prune it'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page, or install every page for `man sso-secrets`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'sso-secrets;help;init'= {
        }
        &'sso-secrets;help;get-sso'= {
        }
        &'sso-secrets;help;put-sso'= {
        }
        &'sso-secrets;help;deactivate-sso'= {
        }
        &'sso-secrets;help;remove-sso'= {
        }
        &'sso-secrets;help;put-did'= {
        }
        &'sso-secrets;help;get-did'= {
        }
        &'sso-secrets;help;delete-did'= {
        }
        &'sso-secrets;help;serve'= {
        }
        &'sso-secrets;help;list'= {
        }
        &'sso-secrets;help;import'= {
        }
        &'sso-secrets;help;export'= {
        }
        &'sso-secrets;help;exec'= {
        }
        &'sso-secrets;help;inject'= {
        }
        &'sso-secrets;help;did'= {
            cand encode 'Print the base58 form of DID text'
            cand decode 'Print the text of a base58 DID'
        }
        &'sso-secrets;help;did;encode'= {
        }
        &'sso-secrets;help;did;decode'= {
        }
        &'sso-secrets;help;token'= {
            cand create 'Issue an access token and print it once'
            cand list 'List tokens: names, scopes, creation and expiry (never the tokens)'
            cand revoke 'Revoke a token and rotate the keys it could read'
        }
        &'sso-secrets;help;token;create'= {
        }
        &'sso-secrets;help;token;list'= {
        }
        &'sso-secrets;help;token;revoke'= {
        }
        &'sso-secrets;help;vault'= {
            cand audit 'Turn the audit trail on or off (passphrase)'
            cand info 'Show format version, KDF parameters, counts, read-only state, tokens'
            cand read-only 'Set the vault read-only (every write answers 55) or writable again'
            cand passwd 'Change the passphrase (and optionally the Argon2id cost)'
            cand rotate 'After a leak: renew every key, re-encrypt every secret, invalidate every token'
            cand check 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them'
            cand upgrade 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)'
            cand copy 'Copy the whole vault, keys and tokens included, to another file or database'
        }
        &'sso-secrets;help;vault;audit'= {
        }
        &'sso-secrets;help;vault;info'= {
        }
        &'sso-secrets;help;vault;read-only'= {
        }
        &'sso-secrets;help;vault;passwd'= {
        }
        &'sso-secrets;help;vault;rotate'= {
        }
        &'sso-secrets;help;vault;check'= {
        }
        &'sso-secrets;help;vault;upgrade'= {
        }
        &'sso-secrets;help;vault;copy'= {
        }
        &'sso-secrets;help;audit'= {
            cand verify 'Check the trail''s hash chain against the anchor the passphrase signed (exit 50 when it fails)'
            cand prune 'Drop the records older than DATE and anchor what remains (passphrase)'
        }
        &'sso-secrets;help;audit;verify'= {
        }
        &'sso-secrets;help;audit;prune'= {
        }
        &'sso-secrets;help;completions'= {
        }
        &'sso-secrets;help;man'= {
        }
        &'sso-secrets;help;help'= {
        }
    ]
    $completions[$command]
}
