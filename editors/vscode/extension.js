// The policy-lint extension: starts `policy-lint server` and hands it the
// workspace's JSON, YAML and Terraform files. Everything else is the server's.
const vscode = require("vscode");
const { execFile } = require("child_process");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("policy-lint");
  const command = settings.get("path", "policy-lint");
  const server = { command, args: ["server", ...settings.get("args", [])] };
  client = new LanguageClient(
    "policy-lint",
    "policy-lint",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "json" },
        { scheme: "file", language: "jsonc" },
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "terraform" },
        { scheme: "file", pattern: "**/*.{tf,tf.json,template}" },
      ],
    },
  );
  // A diagnostic's code links to `policy-lint://explain/<rule>`: the rule's
  // documentation, as `policy-lint explain <rule>` prints it.
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider("policy-lint", {
      provideTextDocumentContent(uri) {
        const rule = uri.path.replace(/^\//, "");
        return new Promise((resolve) => {
          execFile(command, ["explain", rule], (error, stdout, stderr) => resolve(error ? stderr : stdout));
        });
      },
    }),
  );
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
