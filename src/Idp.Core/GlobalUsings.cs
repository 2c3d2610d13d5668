global using Idp.Messaging;
global using Idp.Pages;
global using Idp.Protocol;
global using Idp.Security;
