
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'sso-secrets' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'sso-secrets'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'sso-secrets' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a vault protected by a new passphrase')
            [CompletionResult]::new('get-sso', 'get-sso', [CompletionResultType]::ParameterValue, 'RFC 1. Get SSO Secret: print the secret of a user of an app')
            [CompletionResult]::new('put-sso', 'put-sso', [CompletionResultType]::ParameterValue, 'RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app')
            [CompletionResult]::new('deactivate-sso', 'deactivate-sso', [CompletionResultType]::ParameterValue, 'RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso')
            [CompletionResult]::new('remove-sso', 'remove-sso', [CompletionResultType]::ParameterValue, 'RFC 4. Remove SSO Secret: erase it')
            [CompletionResult]::new('put-did', 'put-did', [CompletionResultType]::ParameterValue, 'RFC 5. Put DID Secret: store a named secret of a DID')
            [CompletionResult]::new('get-did', 'get-did', [CompletionResultType]::ParameterValue, 'RFC 6. Get DID Secret: print a named secret of a DID')
            [CompletionResult]::new('delete-did', 'delete-did', [CompletionResultType]::ParameterValue, 'RFC 7. Delete DID Secret: erase a named secret of a DID')
            [CompletionResult]::new('remove-did', 'remove-did', [CompletionResultType]::ParameterValue, 'RFC 7. Delete DID Secret: erase a named secret of a DID')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries the credential may see (never their values)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with secrets in its environment (never on its argv)')
            [CompletionResult]::new('inject', 'inject', [CompletionResultType]::ParameterValue, 'Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in')
            [CompletionResult]::new('did', 'did', [CompletionResultType]::ParameterValue, 'Base58 helpers for DIDs (no vault needed)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Access tokens: the RFC''s Bearer tokens (need the passphrase)')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Vault administration')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit trail (passphrase), verify it, or prune it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or install every page for `man sso-secrets`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;init' {
            [CompletionResult]::new('--kdf-memory', '--kdf-memory', [CompletionResultType]::ParameterName, 'Argon2id memory in MiB (19 to 4096)')
            [CompletionResult]::new('--kdf-iterations', '--kdf-iterations', [CompletionResultType]::ParameterName, 'Argon2id iterations (2 to 64)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;get-sso' {
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'User id')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;put-sso' {
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'User id')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the secret from this file (- or default: stdin, or a hidden prompt)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;deactivate-sso' {
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'User id')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;remove-sso' {
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'User id')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;put-did' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read the secret from this file (- or default: stdin, or a hidden prompt)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;get-did' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;delete-did' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;remove-did' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on (port 0: any free port), or unix:PATH for a Unix socket (for a front on this host); not used when systemd passes a socket (LISTEN_FDS)')
            [CompletionResult]::new('--socket-mode', '--socket-mode', [CompletionResultType]::ParameterName, 'Permissions of the --listen unix: socket, in octal: 600 (this user only) or 660 (its group too, e.g. with the front''s user in it); no bits for others')
            [CompletionResult]::new('--trusted-front', '--trusted-front', [CompletionResultType]::ParameterName, 'Serve requests without Authorization from this peer (an IP address, or `unix` for the --listen unix: socket) with the token from --token-file or SSO_SECRETS_TOKEN, for the user in its user-id header (repeatable)')
            [CompletionResult]::new('--tls-cert', '--tls-cert', [CompletionResultType]::ParameterName, 'PEM certificate chain: serve HTTPS (needs --tls-key)')
            [CompletionResult]::new('--tls-key', '--tls-key', [CompletionResultType]::ParameterName, 'PEM private key for --tls-cert')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Connections served at once; more wait to be accepted')
            [CompletionResult]::new('--max-connections-per-peer', '--max-connections-per-peer', [CompletionResultType]::ParameterName, 'Connections one client address (an IPv6 /64) may hold at once; more are closed at once and logged [default: half of --max-connections]')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Seconds a client may take to send a whole request, headers and body together from its first byte (then 408), or its TLS handshake; also how long an idle connection stays open')
            [CompletionResult]::new('--metrics-listen', '--metrics-listen', [CompletionResultType]::ParameterName, 'Serve /metrics on this address alone (plain HTTP, no token) instead of on --listen')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;import' {
            [CompletionResult]::new('--apihub', '--apihub', [CompletionResultType]::ParameterName, 'Read an APIHub secrets folder (its external-volume/secrets) instead of JSON Lines')
            [CompletionResult]::new('--apihub-key-file', '--apihub-key-file', [CompletionResultType]::ParameterName, 'APIHub''s key, as in SSO_SECRETS_ENCRYPTION_KEY ("new,old" tries both), from the first line of PATH')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Open the vault read-only and say what the import would store, overwrite, reactivate and (with --prune) remove, by name, never value; write nothing')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also remove the SSO secrets of each app, and the DID secrets of each name, that is a container of the folder but that the container no longer holds (same all-or-nothing write)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;export' {
            [CompletionResult]::new('--apihub', '--apihub', [CompletionResultType]::ParameterName, 'Write APIHub .secret files into DIR (created 0700) instead of JSON Lines; never overwrites')
            [CompletionResult]::new('--apihub-key-file', '--apihub-key-file', [CompletionResultType]::ParameterName, 'APIHub''s key, as in SSO_SECRETS_ENCRYPTION_KEY (the first is used), from the first line of PATH')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;exec' {
            [CompletionResult]::new('--sso', '--sso', [CompletionResultType]::ParameterName, 'Put the SSO secret of USER_ID of APP in variable VAR (repeatable)')
            [CompletionResult]::new('--did', '--did', [CompletionResultType]::ParameterName, 'Put the DID secret NAME of DID (base58 or did:… text) in variable VAR (repeatable)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-secrets;inject' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Template to read (default or -: stdin)')
            [CompletionResult]::new('--in-file', '--in-file', [CompletionResultType]::ParameterName, 'Template to read (default or -: stdin)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'File to write, 0600, replaced atomically (default or -: stdout)')
            [CompletionResult]::new('--out-file', '--out-file', [CompletionResultType]::ParameterName, 'File to write, 0600, replaced atomically (default or -: stdout)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-secrets;did' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('encode', 'encode', [CompletionResultType]::ParameterValue, 'Print the base58 form of DID text')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print the text of a base58 DID')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;did;encode' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;did;decode' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;did;help' {
            [CompletionResult]::new('encode', 'encode', [CompletionResultType]::ParameterValue, 'Print the base58 form of DID text')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print the text of a base58 DID')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;did;help;encode' {
            break
        }
        'sso-secrets;did;help;decode' {
            break
        }
        'sso-secrets;did;help;help' {
            break
        }
        'sso-secrets;token' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Issue an access token and print it once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: names, scopes, creation and expiry (never the tokens)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token and rotate the keys it could read')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;token;create' {
            [CompletionResult]::new('--app', '--app', [CompletionResultType]::ParameterName, 'Cover this app''s SSO secrets (repeatable)')
            [CompletionResult]::new('--did', '--did', [CompletionResultType]::ParameterName, 'Cover this DID''s DID secrets, base58 or did:… text (repeatable)')
            [CompletionResult]::new('--expires-in', '--expires-in', [CompletionResultType]::ParameterName, 'Expire after this long: 30s, 15m, 12h, 7d, 1w, 2h30m (default: never)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Allow writes (tokens are read-only otherwise)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;token;list' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;token;revoke' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;token;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Issue an access token and print it once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: names, scopes, creation and expiry (never the tokens)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token and rotate the keys it could read')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;token;help;create' {
            break
        }
        'sso-secrets;token;help;list' {
            break
        }
        'sso-secrets;token;help;revoke' {
            break
        }
        'sso-secrets;token;help;help' {
            break
        }
        'sso-secrets;vault' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Turn the audit trail on or off (passphrase)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show format version, KDF parameters, counts, read-only state, tokens')
            [CompletionResult]::new('read-only', 'read-only', [CompletionResultType]::ParameterValue, 'Set the vault read-only (every write answers 55) or writable again')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase (and optionally the Argon2id cost)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'After a leak: renew every key, re-encrypt every secret, invalidate every token')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole vault, keys and tokens included, to another file or database')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;vault;audit' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-secrets;vault;info' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;vault;read-only' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-secrets;vault;passwd' {
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'New passphrase from the first line of this file (default: prompt twice)')
            [CompletionResult]::new('--kdf-memory', '--kdf-memory', [CompletionResultType]::ParameterName, 'New Argon2id memory in MiB, 19 to 4096 (default: keep)')
            [CompletionResult]::new('--kdf-iterations', '--kdf-iterations', [CompletionResultType]::ParameterName, 'New Argon2id iterations, 2 to 64 (default: keep)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;vault;rotate' {
            [CompletionResult]::new('--new-passphrase-file', '--new-passphrase-file', [CompletionResultType]::ParameterName, 'New passphrase from the first line of this file (default: keep the passphrase)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;vault;check' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--repair', '--repair', [CompletionResultType]::ParameterName, 'Drop what the check reports (asks for confirmation)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;vault;upgrade' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;vault;copy' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Destination: a vault file path or a postgresql:// URL')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;vault;help' {
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Turn the audit trail on or off (passphrase)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show format version, KDF parameters, counts, read-only state, tokens')
            [CompletionResult]::new('read-only', 'read-only', [CompletionResultType]::ParameterValue, 'Set the vault read-only (every write answers 55) or writable again')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase (and optionally the Argon2id cost)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'After a leak: renew every key, re-encrypt every secret, invalidate every token')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole vault, keys and tokens included, to another file or database')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;vault;help;audit' {
            break
        }
        'sso-secrets;vault;help;info' {
            break
        }
        'sso-secrets;vault;help;read-only' {
            break
        }
        'sso-secrets;vault;help;passwd' {
            break
        }
        'sso-secrets;vault;help;rotate' {
            break
        }
        'sso-secrets;vault;help;check' {
            break
        }
        'sso-secrets;vault;help;upgrade' {
            break
        }
        'sso-secrets;vault;help;copy' {
            break
        }
        'sso-secrets;vault;help;help' {
            break
        }
        'sso-secrets;audit' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records from the last DURATION (30m, 12h, 7d)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the trail''s hash chain against the anchor the passphrase signed (exit 50 when it fails)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop the records older than DATE and anchor what remains (passphrase)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;audit;verify' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;audit;prune' {
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'A date (2026-01-01) or time (2026-01-01T12:00:00Z), UTC')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;audit;help' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the trail''s hash chain against the anchor the passphrase signed (exit 50 when it fails)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop the records older than DATE and anchor what remains (passphrase)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;audit;help;verify' {
            break
        }
        'sso-secrets;audit;help;prune' {
            break
        }
        'sso-secrets;audit;help;help' {
            break
        }
        'sso-secrets;completions' {
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'sso-secrets;man' {
            [CompletionResult]::new('--install-dir', '--install-dir', [CompletionResultType]::ParameterName, 'Write every page into DIR/man1 (DIR is a directory of man''s search path, e.g. ~/.local/share/man or /usr/local/share/man)')
            [CompletionResult]::new('--vault', '--vault', [CompletionResultType]::ParameterName, 'Vault file, or a postgresql:// URL (a database holding the vault), also SSO_SECRETS_VAULT [default: ~/.local/share/sso-secrets/vault]')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds a writer waits for another writer before exit 75 "vault busy"')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'Access token from the first line of this file (a leading "Bearer " is ignored)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Vault passphrase from the first line of this file')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'Send the RFC operations to the RFC-134 server at URL instead of a vault (also SSO_SECRETS_REMOTE)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'With --remote: trust this CA certificate (PEM) instead of the system''s roots')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --remote: seconds each request may take, retries included')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'With --remote: further attempts for reads and deletes on exit-75 failures (never puts)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Success: one JSON object on stdout; failure: one JSON object on stderr')
            [CompletionResult]::new('--read-only', '--read-only', [CompletionResultType]::ParameterName, 'Refuse every write with exit 55 (also SSO_SECRETS_READ_ONLY=1|true)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; what is missing fails instead')
            [CompletionResult]::new('--insecure-http', '--insecure-http', [CompletionResultType]::ParameterName, 'Allow plain http:// off loopback: --remote sends the token in clear, serve listens without TLS')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'sso-secrets;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Create a vault protected by a new passphrase')
            [CompletionResult]::new('get-sso', 'get-sso', [CompletionResultType]::ParameterValue, 'RFC 1. Get SSO Secret: print the secret of a user of an app')
            [CompletionResult]::new('put-sso', 'put-sso', [CompletionResultType]::ParameterValue, 'RFC 2. Put SSO Secret: store (or re-activate) the secret of a user of an app')
            [CompletionResult]::new('deactivate-sso', 'deactivate-sso', [CompletionResultType]::ParameterValue, 'RFC 3. Deactivate SSO Secret: keep it, but get-sso answers 404 until the next put-sso')
            [CompletionResult]::new('remove-sso', 'remove-sso', [CompletionResultType]::ParameterValue, 'RFC 4. Remove SSO Secret: erase it')
            [CompletionResult]::new('put-did', 'put-did', [CompletionResultType]::ParameterValue, 'RFC 5. Put DID Secret: store a named secret of a DID')
            [CompletionResult]::new('get-did', 'get-did', [CompletionResultType]::ParameterValue, 'RFC 6. Get DID Secret: print a named secret of a DID')
            [CompletionResult]::new('delete-did', 'delete-did', [CompletionResultType]::ParameterValue, 'RFC 7. Delete DID Secret: erase a named secret of a DID')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the RFC-134 HTTP API from this vault (every request needs a Bearer token, or a trusted front)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the entries the credential may see (never their values)')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Bulk put from JSON Lines or an APIHub secrets folder (all or nothing)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print every entry as JSON Lines, in clear, or write an APIHub secrets folder (needs the passphrase)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command with secrets in its environment (never on its argv)')
            [CompletionResult]::new('inject', 'inject', [CompletionResultType]::ParameterValue, 'Copy a template with its {{ sso … }} and {{ did … }} placeholders filled in')
            [CompletionResult]::new('did', 'did', [CompletionResultType]::ParameterValue, 'Base58 helpers for DIDs (no vault needed)')
            [CompletionResult]::new('token', 'token', [CompletionResultType]::ParameterValue, 'Access tokens: the RFC''s Bearer tokens (need the passphrase)')
            [CompletionResult]::new('vault', 'vault', [CompletionResultType]::ParameterValue, 'Vault administration')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Read the audit trail (passphrase), verify it, or prune it')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or install every page for `man sso-secrets`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'sso-secrets;help;init' {
            break
        }
        'sso-secrets;help;get-sso' {
            break
        }
        'sso-secrets;help;put-sso' {
            break
        }
        'sso-secrets;help;deactivate-sso' {
            break
        }
        'sso-secrets;help;remove-sso' {
            break
        }
        'sso-secrets;help;put-did' {
            break
        }
        'sso-secrets;help;get-did' {
            break
        }
        'sso-secrets;help;delete-did' {
            break
        }
        'sso-secrets;help;serve' {
            break
        }
        'sso-secrets;help;list' {
            break
        }
        'sso-secrets;help;import' {
            break
        }
        'sso-secrets;help;export' {
            break
        }
        'sso-secrets;help;exec' {
            break
        }
        'sso-secrets;help;inject' {
            break
        }
        'sso-secrets;help;did' {
            [CompletionResult]::new('encode', 'encode', [CompletionResultType]::ParameterValue, 'Print the base58 form of DID text')
            [CompletionResult]::new('decode', 'decode', [CompletionResultType]::ParameterValue, 'Print the text of a base58 DID')
            break
        }
        'sso-secrets;help;did;encode' {
            break
        }
        'sso-secrets;help;did;decode' {
            break
        }
        'sso-secrets;help;token' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Issue an access token and print it once')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tokens: names, scopes, creation and expiry (never the tokens)')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a token and rotate the keys it could read')
            break
        }
        'sso-secrets;help;token;create' {
            break
        }
        'sso-secrets;help;token;list' {
            break
        }
        'sso-secrets;help;token;revoke' {
            break
        }
        'sso-secrets;help;vault' {
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Turn the audit trail on or off (passphrase)')
            [CompletionResult]::new('info', 'info', [CompletionResultType]::ParameterValue, 'Show format version, KDF parameters, counts, read-only state, tokens')
            [CompletionResult]::new('read-only', 'read-only', [CompletionResultType]::ParameterValue, 'Set the vault read-only (every write answers 55) or writable again')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change the passphrase (and optionally the Argon2id cost)')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'After a leak: renew every key, re-encrypt every secret, invalidate every token')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Report key slots and entries that fail authentication or whose names the command line refuses; --repair drops them')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Convert an older vault to format 3: version 2 keeps every token, version 1 is a full rotation (tokens are reissued)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy the whole vault, keys and tokens included, to another file or database')
            break
        }
        'sso-secrets;help;vault;audit' {
            break
        }
        'sso-secrets;help;vault;info' {
            break
        }
        'sso-secrets;help;vault;read-only' {
            break
        }
        'sso-secrets;help;vault;passwd' {
            break
        }
        'sso-secrets;help;vault;rotate' {
            break
        }
        'sso-secrets;help;vault;check' {
            break
        }
        'sso-secrets;help;vault;upgrade' {
            break
        }
        'sso-secrets;help;vault;copy' {
            break
        }
        'sso-secrets;help;audit' {
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check the trail''s hash chain against the anchor the passphrase signed (exit 50 when it fails)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop the records older than DATE and anchor what remains (passphrase)')
            break
        }
        'sso-secrets;help;audit;verify' {
            break
        }
        'sso-secrets;help;audit;prune' {
            break
        }
        'sso-secrets;help;completions' {
            break
        }
        'sso-secrets;help;man' {
            break
        }
        'sso-secrets;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
