"""A real MCP server over stdio, for the tests: two tools, one of which fails on demand."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("weather")


@server.tool()
def get_weather(city: str) -> str:
    """Current weather for a city."""
    return f'{{"city": "{city}", "temperature": 21}}'


@server.tool()
def divide(a: float, b: float) -> float:
    """a divided by b."""
    return a / b


if __name__ == "__main__":
    server.run()
