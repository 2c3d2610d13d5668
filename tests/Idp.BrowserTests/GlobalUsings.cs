global using Idp.BrowserTests.Infrastructure;
global using Microsoft.Playwright;
