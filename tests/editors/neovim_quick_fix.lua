-- Run by tests/neovim.rs: `nvim --headless --clean -u editors/neovim/gopherlint.lua
-- -c "luafile tests/editors/neovim_quick_fix.lua" <Dockerfile>`. Waits for gopherlint's
-- diagnostics, applies the quick fix for GL003 and checks that the finding is gone. Exits 0
-- when all holds, 1 with a message otherwise.
local function fail(message)
  io.stderr:write("neovim test: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local function codes()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code then
      out[code] = d
    end
  end
  return out
end

local ok = vim.wait(20000, function()
  return codes()["GL003"] ~= nil
end, 50)
if not ok then
  return fail("no GL003 diagnostic from gopherlint")
end

local finding = codes()["GL003"]
local client = vim.lsp.get_active_clients({ name = "gopherlint" })[1]
if not client then
  return fail("gopherlint is not attached")
end
-- The finding as the protocol sends it (Neovim keeps its range in its own fields; the file
-- is ASCII, so byte columns are the protocol's).
local lsp_diagnostic = {
  range = {
    start = { line = finding.lnum, character = finding.col },
    ["end"] = { line = finding.end_lnum, character = finding.end_col },
  },
  code = "GL003",
  message = finding.message,
}
local params = {
  textDocument = vim.lsp.util.make_text_document_params(0),
  range = lsp_diagnostic.range,
  context = { diagnostics = { lsp_diagnostic } },
}
local responses = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 10000)
local fix
for _, response in pairs(responses or {}) do
  for _, action in ipairs(response.result or {}) do
    if action.title:find("^GL003: add") then
      fix = action
    end
  end
end
if not fix then
  return fail("no quick fix for GL003 among the code actions: " .. vim.inspect(responses))
end
vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or "utf-16")

local gone = vim.wait(20000, function()
  return codes()["GL003"] == nil and #vim.diagnostic.get(0) > 0
end, 50)
if not gone then
  return fail("GL003 is still reported after its quick fix")
end
local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
if not text:find('-ldflags="-s -w"', 1, true) then
  return fail("the buffer does not hold the fix: " .. text)
end
vim.cmd("qall!")
