-- gopherlint in Neovim, without plugins: put this file in ~/.config/nvim/plugin/ (or source
-- it from init.lua). It starts `gopherlint server` for every Dockerfile buffer, one server per
-- project root (the folder with gopherlint.toml or .git). Neovim 0.8 and later use
-- vim.lsp.start; 0.7 starts and attaches the client itself.
local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  local marker = vim.fn.findfile("gopherlint.toml", dir .. ";")
  if marker == "" then
    marker = vim.fn.finddir(".git", dir .. ";")
  end
  if marker == "" then
    return dir
  end
  return vim.fn.fnamemodify(marker, ":p:h:h")
end

local clients = {}

vim.api.nvim_create_autocmd("FileType", {
  pattern = "dockerfile",
  callback = function(args)
    local config = {
      name = "gopherlint",
      cmd = { "gopherlint", "server" },
      root_dir = root_of(vim.api.nvim_buf_get_name(args.buf)),
    }
    if vim.lsp.start then
      vim.lsp.start(config, { bufnr = args.buf })
      return
    end
    local id = clients[config.root_dir]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client(config)
      clients[config.root_dir] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
