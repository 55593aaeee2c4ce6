// The MCP tools module is linked into the executable; the wiring (config `mcp_servers`,
// the tool loop, /tools and /mcp) comes with the turn runner's tool support.
import ChatTools
