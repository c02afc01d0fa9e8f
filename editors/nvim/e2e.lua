-- Run by e2e.sh: start `policy-lint server` for the current buffer, wait for
-- its diagnostics, write them as `line:col: severity[rule]` to $OUT, quit.
-- Works with Neovim 0.7 (Debian 12's; `vim.lsp.start_client`) and later (`vim.lsp.start`).
local bin = assert(os.getenv("POLICY_LINT_BIN"), "POLICY_LINT_BIN")
local out = assert(os.getenv("OUT"), "OUT")
local buf = vim.api.nvim_get_current_buf()
local root = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":p:h")
local config = { name = "policy-lint", cmd = { bin, "server" }, root_dir = root }
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end
local got = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 20)
local names = { "error", "warning", "info", "info" }
local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
  table.insert(lines, string.format("%d:%d: %s[%s]", d.lnum + 1, d.col + 1, names[d.severity] or "?", code))
end
if not got then
  table.insert(lines, "TIMEOUT: no diagnostics")
end
table.sort(lines)
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client_id)
vim.wait(2000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 20)
vim.cmd("qa!")
